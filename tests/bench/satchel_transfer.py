"""One transfer through Satchel's core, in its own process so its memory is its own.

Usage: satchel_transfer.py upload URL FIELDS_JSON FILE
       satchel_transfer.py [--joined-writes] download URL DEST SIZE
--joined-writes forces the writer's Windows way (one joined write per batch, no writev).
Prints one JSON line: {"seconds": ..., "rss_growth_mib": ...}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from satchel.domain.model import ResolvedLink
from satchel.storage import file_writer
from satchel.storage.client import make_storage_client
from satchel.storage.download import download_to_file
from satchel.storage.s3form import upload_form
from satchel.tuning import tune_allocator


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


async def _main(argv: list[str]) -> float:
    client = make_storage_client()
    try:
        started = time.perf_counter()
        if argv[0] == "upload":
            fields = json.loads(Path(argv[2]).read_text())
            await upload_form(client, argv[1], fields, Path(argv[3]))
        else:
            link = ResolvedLink(argv[1], datetime.now(UTC) + timedelta(minutes=10))

            async def resolve() -> ResolvedLink:
                return link

            await download_to_file(client, resolve, Path(argv[2]), expected_size=int(argv[3]))
        return time.perf_counter() - started
    finally:
        await client.aclose()


if __name__ == "__main__":
    tune_allocator()  # as `satchel` does at start-up
    argv = sys.argv[1:]
    if argv[0] == "--joined-writes":
        file_writer.write_batch = file_writer.write_joined
        argv = argv[1:]
    before = _status_kib("VmRSS")
    seconds = asyncio.run(_main(argv))
    growth = (_status_kib("VmHWM") - before) / 1024
    print(json.dumps({"seconds": seconds, "rss_growth_mib": growth}))
