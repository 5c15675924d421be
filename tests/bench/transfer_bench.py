"""Satchel's transfer benchmarks against curl, on one SeaweedFS, runs alternating.

    .venv/bin/python tests/bench/transfer_bench.py [--size-mib 512] [--runs 3] [--joined-writes]

--joined-writes: downloads write as on Windows (no writev).

Prints one line per measure (medians of --runs runs, reference and satchel alternating):
    NAME: satchel X UNIT, reference Y UNIT, ratio R (target T)
Downloads are measured at --size-mib and at twice that (512 MiB and 1 GiB by default).
Their reference is curl to a file and then that file fsynced (`sync FILE`), the two
timed together: Satchel syncs every download before it counts as done, so an unsynced
curl would be timed without the disk write. curl's figure without the sync is printed
in a `#` line.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from satchel.sandbox.s3 import S3Gateway, S3Settings
from satchel.sandbox.seaweed import S3Identity, SeaweedProcess

HERE = Path(__file__).parent
MIB = 1024 * 1024


def _curl_upload(form: tuple[str, dict[str, str]], path: Path) -> tuple[float, float]:
    """curl -F's own time, and its peak RSS in MiB (read from the same run)."""
    url, fields = form
    args = ["curl", "-sS", "-o", "/dev/null", "-w", "%{time_total}", "--fail"]
    for name, value in fields.items():
        args += ["--form-string", f"{name}={value}"]
    args += ["-F", f"file=@{path}", url]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    seconds = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status:
        raise subprocess.CalledProcessError(status, args)
    return float(seconds), usage.ru_maxrss / 1024


def _curl_download(url: str, dest: Path) -> tuple[float, float]:
    """curl's own time, and that time plus fsyncing the file (the reference)."""
    args = ["curl", "-sS", "--fail", "-o", str(dest), "-w", "%{time_total}", url]
    fetched = float(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    started = time.perf_counter()
    subprocess.run(["sync", str(dest)], check=True)
    return fetched, fetched + time.perf_counter() - started


def _satchel(args: list[str], workdir: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(HERE / "satchel_transfer.py"), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _line(name: str, ours: float, ref: float, unit: str, target: str, ratio: float) -> str:
    return (
        f"{name}: satchel {ours:.1f} {unit}, reference {ref:.1f} {unit}, "
        f"ratio {ratio:.2f} (target {target})"
    )


def _size_name(size: int) -> str:
    mib = size // MIB
    return f"{mib // 1024} GiB" if mib % 1024 == 0 else f"{mib} MiB"


def _runs(values: list[float]) -> str:
    return "/".join(f"{value:.0f}" for value in values)


def _downloads(
    work: Path, link: str, size: int, args: argparse.Namespace
) -> tuple[list[float], list[float], list[float]]:
    """MiB/s of satchel, of curl + fsync and of curl alone: runs alternating, each going
    first every other run (the one after meets the page cache's writeback of the one before)."""
    ours: list[float] = []
    ref: list[float] = []
    bare: list[float] = []

    def curl_down() -> None:
        dest = work / "down-curl.bin"
        fetched, synced = _curl_download(link, dest)
        bare.append(size / fetched / MIB)
        ref.append(size / synced / MIB)
        dest.unlink()

    def satchel_down() -> None:
        dest = work / "down-satchel.bin"
        forced = ["--joined-writes"] if args.joined_writes else []
        result = _satchel([*forced, "download", link, str(dest), str(size)], work)
        ours.append(size / result["seconds"] / MIB)
        dest.unlink()

    for run in range(args.runs):
        for measure in (curl_down, satchel_down) if run % 2 == 0 else (satchel_down, curl_down):
            measure()
    return ours, ref, bare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--joined-writes", action="store_true", help="write downloads as on Windows (no writev)"
    )
    args = parser.parse_args()
    if not shutil.which("curl"):
        sys.exit("curl is needed as the reference: apt-get install curl")

    with tempfile.TemporaryDirectory(prefix="satchel-bench-") as tmp:
        work = Path(tmp)
        identity = S3Identity("bench" + secrets.token_hex(4), secrets.token_hex(16))
        with SeaweedProcess(work / "weed", identity) as weed:
            gateway = S3Gateway(
                S3Settings(weed.endpoint, identity.access_key, identity.secret_key, "bench")
            )
            gateway.ensure_bucket()
            size = args.size_mib * MIB
            source = work / "source.bin"
            with source.open("wb") as handle:
                for _ in range(args.size_mib):
                    handle.write(os.urandom(MIB))

            def form(key: str) -> tuple[str, dict[str, str]]:
                made = gateway.upload_form(key, size, "application/octet-stream")
                return made.url, made.fields

            up_ours, up_ref, growth, curl_rss = [], [], [], 0.0
            for run in range(args.runs):  # alternate: curl, satchel, curl, satchel...
                seconds, rss = _curl_upload(form(f"curl-{run}"), source)
                up_ref.append(size / seconds / MIB)
                curl_rss = max(curl_rss, rss)
                fields_file = work / "fields.json"
                url, fields = form(f"satchel-{run}")
                fields_file.write_text(json.dumps(fields))
                result = _satchel(["upload", url, str(fields_file), str(source)], work)
                up_ours.append(size / result["seconds"] / MIB)
                growth.append(result["rss_growth_mib"])

            doubled = work / "double.bin"  # the second download size: twice the first
            with doubled.open("wb") as handle, source.open("rb") as first:
                shutil.copyfileobj(first, handle, MIB)
                for _ in range(args.size_mib):
                    handle.write(os.urandom(MIB))
            with doubled.open("rb") as body:  # one PUT: faster than a form, not measured
                gateway.put_object("double", body, "application/octet-stream")
            doubled.unlink()
            objects = {size: "satchel-0", 2 * size: "double"}
            downloads = {
                got: _downloads(
                    work, gateway.download_link(key, "x.bin", "binary/octet-stream"), got, args
                )
                for got, key in objects.items()
            }

    ours, ref = statistics.median(up_ours), statistics.median(up_ref)
    print(_line(f"upload {args.size_mib} MiB (S3 form)", ours, ref, "MiB/s", ">= 0.9", ours / ref))
    for got, (ours_list, ref_list, bare_list) in downloads.items():
        ours, ref = statistics.median(ours_list), statistics.median(ref_list)
        name = f"download {_size_name(got)} (presigned GET, vs curl + fsync"
        print(
            _line(
                name + (", joined writes)" if args.joined_writes else ")"),
                ours,
                ref,
                "MiB/s",
                ">= 0.9",
                ours / ref,
            )
        )
        print(
            f"# curl without the fsync: {statistics.median(bare_list):.1f} MiB/s; runs: satchel "
            f"{_runs(ours_list)}, curl + fsync {_runs(ref_list)}"
        )
    peak = max(growth)
    print(
        _line(
            "upload peak RSS growth",
            peak,
            curl_rss,
            "MiB",
            "<= 1.0",  # satchel's growth within curl's whole footprint
            peak / curl_rss if curl_rss else 0.0,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
