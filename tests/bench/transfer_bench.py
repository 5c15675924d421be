"""Satchel's transfer benchmarks against curl, on one SeaweedFS, runs alternating.

    .venv/bin/python tests/bench/transfer_bench.py [--size-mib 512] [--runs 3] [--joined-writes]

--joined-writes: downloads write as on Windows (no writev: one joined write per batch).

Prints one line per measure:
    NAME: satchel X UNIT, reference Y UNIT, ratio R (target T)
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
from pathlib import Path

from satchel.sandbox.s3 import S3Gateway, S3Settings
from satchel.sandbox.seaweed import S3Identity, SeaweedProcess

HERE = Path(__file__).parent
MIB = 1024 * 1024


def _curl_upload(form: tuple[str, dict[str, str]], path: Path) -> float:
    url, fields = form
    args = ["curl", "-sS", "-o", "/dev/null", "-w", "%{time_total}", "--fail"]
    for name, value in fields.items():
        args += ["--form-string", f"{name}={value}"]
    args += ["-F", f"file=@{path}", url]
    return float(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def _curl_download(url: str, dest: Path) -> float:
    args = ["curl", "-sS", "--fail", "-o", str(dest), "-w", "%{time_total}", url]
    return float(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def _satchel(args: list[str], workdir: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(HERE / "satchel_transfer.py"), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _curl_peak_rss_mib(form: tuple[str, dict[str, str]], path: Path) -> float:
    url, fields = form
    args = ["curl", "-sS", "-o", "/dev/null", "--fail"]
    for name, value in fields.items():
        args += ["--form-string", f"{name}={value}"]
    args += ["-F", f"file=@{path}", url]
    process = subprocess.Popen(args)
    _pid, _status, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024


def _line(name: str, ours: float, ref: float, unit: str, target: str, ratio: float) -> str:
    return (
        f"{name}: satchel {ours:.1f} {unit}, reference {ref:.1f} {unit}, "
        f"ratio {ratio:.2f} (target {target})"
    )


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

            up_ours, up_ref, growth = [], [], []
            for run in range(args.runs):  # alternate: curl, satchel, curl, satchel...
                up_ref.append(size / _curl_upload(form(f"curl-{run}"), source) / MIB)
                fields_file = work / "fields.json"
                url, fields = form(f"satchel-{run}")
                fields_file.write_text(json.dumps(fields))
                result = _satchel(["upload", url, str(fields_file), str(source)], work)
                up_ours.append(size / result["seconds"] / MIB)
                growth.append(result["rss_growth_mib"])
            curl_rss = _curl_peak_rss_mib(form("curl-rss"), source)

            down_ours, down_ref = [], []
            link = gateway.download_link("satchel-0", "source.bin", "application/octet-stream")

            def curl_down() -> None:
                dest = work / "down-curl.bin"
                down_ref.append(size / _curl_download(link, dest) / MIB)
                dest.unlink()

            def satchel_down() -> None:
                dest = work / "down-satchel.bin"
                forced = ["--joined-writes"] if args.joined_writes else []
                result = _satchel([*forced, "download", link, str(dest), str(size)], work)
                down_ours.append(size / result["seconds"] / MIB)
                dest.unlink()

            for run in range(args.runs):
                # Each goes first every other run: the one after meets the page cache's
                # writeback of the one before.
                order = (curl_down, satchel_down) if run % 2 == 0 else (satchel_down, curl_down)
                for measure in order:
                    measure()

    ours, ref = statistics.median(up_ours), statistics.median(up_ref)
    print(_line(f"upload {args.size_mib} MiB (S3 form)", ours, ref, "MiB/s", ">= 0.9", ours / ref))
    ours, ref = statistics.median(down_ours), statistics.median(down_ref)
    print(
        _line(
            f"download {args.size_mib} MiB (presigned GET"
            + (", joined writes)" if args.joined_writes else ")"),
            ours,
            ref,
            "MiB/s",
            ">= 0.9",
            ours / ref,
        )
    )
    peak = max(growth)
    print(
        _line(
            "upload peak RSS growth",
            peak,
            curl_rss,
            "MiB",
            "satchel <= 64 MiB",
            peak / curl_rss if curl_rss else 0.0,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
