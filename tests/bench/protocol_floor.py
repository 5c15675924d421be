"""How fast the four upload steps can go against the local service, with no client cost
to speak of: a bound for the small-files benchmark, not part of `all.py`.

    .venv/bin/python tests/bench/protocol_floor.py [--runs 3]

300 files of 256 KiB through create → form POST → confirm → link, four at a time, with
HTTP/1.1 written by hand on asyncio streams: no httpx, no queue, no journal, no retries,
no checks beyond the status. It shows what the service and SeaweedFS allow, next to
`rclone copy` of the same files (alternating), and the CPU each process spent per file;
the gap between this and `queue_bench.py`'s line is the client's own.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from queue_bench import (
    SMALL_COUNT,
    SMALL_SIZE,
    UNLIMITED,
    _cpu_seconds,
    _new_card,
    _rclone,
    _write_files,
)

from satchel.local_service import LocalService, start_local_service
from satchel.storage.s3form import object_url

AT_ONCE = 4  # as the queue and rclone's --transfers 4


class _Connection:
    """One kept-alive HTTP/1.1 connection; answers must carry a Content-Length."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        fields = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
        length = int(fields.get("content-length", "0"))
        answer = await reader.readexactly(length) if length else b""
        if fields.get("connection") == "close":
            writer.close()
            self._streams = None
        return int(head[0].split()[1]), answer


def _form(fields: dict[str, str], name: str, data: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    body = "".join(parts).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


async def _upload_all(service: LocalService, card: str, files: list[Path]) -> float:
    key = service.tenants[0]["read_write_key"]
    api = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    waiting = list(files)

    async def one_at_a_time() -> None:
        service_host, storage_host = _Connection(service.base_url), None
        while waiting:
            path = waiting.pop()
            data = path.read_bytes()
            hashlib.md5(data, usedforsecurity=False).hexdigest()  # as Satchel checks its copy
            meta = {"name": path.name, "content_type": "application/octet-stream"}
            status, answer = await service_host.request(
                "POST", "/api/v1/attachments", api, json.dumps({**meta, "size": len(data)}).encode()
            )
            assert status == 201, answer
            attachment = json.loads(answer)
            form = attachment["upload"]
            storage_host = storage_host or _Connection(form["url"])
            kind, body = _form(form["fields"], path.name, data)
            status, answer = await storage_host.request(
                "POST", urlsplit(form["url"]).path, {"Content-Type": kind}, body
            )
            assert status in (201, 204), answer[:200]
            location = object_url(form["url"], form["fields"]["key"])
            status, answer = await service_host.request(
                "PATCH",
                f"/api/v1/attachments/{attachment['id']}",
                api,
                json.dumps({"location": location}).encode(),
            )
            assert status == 200, answer
            status, answer = await service_host.request(
                "POST",
                f"/api/v1/cards/{card}/attachments",
                api,
                json.dumps({"attachment_id": attachment["id"]}).encode(),
            )
            assert status in (200, 201), answer

    started = time.perf_counter()
    await asyncio.gather(*(one_at_a_time() for _ in range(AT_ONCE)))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="satchel-protocol-floor-") as tmp:
        work = Path(tmp)
        service = start_local_service(work / "service", "--productive-limits", UNLIMITED)
        try:
            card = _new_card(service)
            files = _write_files(work / "small", SMALL_COUNT, SMALL_SIZE)
            asyncio.run(_upload_all(service, card, files))  # warm: connections, caches
            ours, ref = [], []
            for run in range(args.runs):  # alternate: rclone, by hand, rclone...
                ref.append(SMALL_COUNT / _rclone(service, work / "small", run))
                before = _cpu_seconds(service)
                ours.append(SMALL_COUNT / asyncio.run(_upload_all(service, card, files)))
                spent = {k: v - before[k] for k, v in _cpu_seconds(service).items()}
                print(
                    "# run",
                    run,
                    ", ".join(f"{k} {v / SMALL_COUNT * 1000:.1f} ms" for k, v in spent.items()),
                )
            mine, theirs = statistics.median(ours), statistics.median(ref)
            print(
                f"{SMALL_COUNT} files of 256 KiB, the four steps by hand (vs rclone copy): "
                f"{mine:.0f} files/s, rclone {theirs:.0f} files/s, ratio {mine / theirs:.2f}"
            )
        finally:
            service.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
