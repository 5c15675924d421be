"""The download writer: every byte in order, inline or in a thread, whatever writev does.

Each test runs with `writev` and with the joined writes Windows uses instead (forced).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from satchel.storage import file_writer
from satchel.storage.file_writer import BatchWriter

PIECES = [bytes([i % 256]) * (i * 37 % 5000 + 1) for i in range(3000)]  # > IOV_MAX pieces


@pytest.fixture(autouse=True, params=["writev", "joined"])
def way_of_writing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "joined":  # what Windows does, forced here
        monkeypatch.setattr(file_writer, "write_batch", file_writer.write_joined)
    else:
        assert file_writer.write_batch is file_writer.write_vectored
    return str(request.param)


async def _write(path: Path, batches: list[list[bytes]]) -> None:
    writer = BatchWriter(path.open("xb"))
    try:
        for batch in batches:
            await writer.write(batch)
        await writer.flush()
    finally:
        writer.close()


@pytest.mark.asyncio
async def test_inline_many_small_pieces(tmp_path: Path) -> None:
    path = tmp_path / "out"
    await _write(path, [PIECES])
    assert path.read_bytes() == b"".join(PIECES)


@pytest.mark.asyncio
async def test_short_writes_are_continued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, way_of_writing: str
) -> None:
    real_writev, real_write = os.writev, os.write
    calls = []

    def stingy_writev(fd: int, buffers: list[memoryview]) -> int:
        calls.append(fd)
        return real_writev(fd, [bytes(buffers[0])[:7]])

    def stingy_write(fd: int, data: memoryview) -> int:
        calls.append(fd)
        return real_write(fd, data[:7])

    if way_of_writing == "joined":
        monkeypatch.setattr(os, "write", stingy_write)
    else:
        monkeypatch.setattr(os, "writev", stingy_writev)
    path = tmp_path / "out"
    await _write(path, [PIECES[:50], [], PIECES[50:100]])
    assert path.read_bytes() == b"".join(PIECES[:100])
    assert len(calls) > 100  # the stingy call was the one used


@pytest.mark.asyncio
async def test_a_slow_disk_moves_writes_to_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_writer, "SLOW_WRITE", -1.0)  # every write counts as slow
    path = tmp_path / "out"
    batches = [PIECES[i : i + 100] for i in range(0, len(PIECES), 100)]
    await _write(path, batches)
    assert path.read_bytes() == b"".join(PIECES)
