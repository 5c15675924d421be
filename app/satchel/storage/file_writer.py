"""Writing a download's batches to its file without holding up the event loop for long."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import BinaryIO

log = logging.getLogger(__name__)

#: A write slower than this means the disk pushes back: write in a thread from then on.
SLOW_WRITE = 0.010
#: `writev` takes at most IOV_MAX (1024 on Linux) buffers per call.
_MAX_BUFFERS = 512


def write_joined(fd: int, pieces: list[bytes]) -> None:
    """One `write` of the joined batch (one copy), continued after short writes."""
    view = memoryview(b"".join(pieces))
    while view:
        view = view[os.write(fd, view) :]


if sys.platform == "win32":  # no writev on Windows
    write_batch: Callable[[int, list[bytes]], None] = write_joined
else:

    def write_vectored(fd: int, pieces: list[bytes]) -> None:
        """`writev` of the pieces as they are (no copy), continued after short writes."""
        views = [memoryview(p) for p in pieces if p]
        while views:
            written = os.writev(fd, views[:_MAX_BUFFERS])
            while views and written >= len(views[0]):
                written -= len(views.pop(0))
            if views and written:
                views[0] = views[0][written:]

    write_batch = write_vectored


class BatchWriter:
    """Writes batches of bytes to an open file: inline while the disk keeps up, else in a thread.

    A write to the page cache takes well under a millisecond, and doing it on the
    event loop is the fastest way on few cores (no hand-off between threads). Once a
    write is slow (the disk pushes back), the rest go to a worker thread, one batch
    in flight, so the loop (the UI's, under qasync) is never held up for long.
    Each batch is one `writev` (one joined `write` on Windows), not one call per
    piece. A threaded write that is fast again sends the next ones back inline.
    """

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._fd = file.fileno()
        if sys.platform == "win32":
            # A descriptor from os.open is in text mode there: os.write would turn every
            # \n into \r\n. Files opened with "b" are binary already; this makes sure.
            import msvcrt

            msvcrt.setmode(self._fd, os.O_BINARY)
        self._threaded = False
        self._in_flight: asyncio.Future[None] | None = None
        # Held while a batch is written; `close()` takes it, so the descriptor is
        # never closed (and its number reused) under a write a cancel left running.
        self._lock = threading.Lock()

    def _write_all(self, pieces: list[bytes]) -> None:
        with self._lock:
            write_batch(self._fd, pieces)

    async def write(self, pieces: list[bytes]) -> None:
        """Write `pieces` (in order, after every earlier batch). Raises OSError (ENOSPC...)."""
        await self.flush()  # a failure of the previous batch surfaces here
        if not pieces:
            return
        if self._threaded:
            loop = asyncio.get_running_loop()
            self._in_flight = loop.run_in_executor(None, self._write_in_thread, pieces)
            return
        started = time.monotonic()
        self._write_all(pieces)
        if time.monotonic() - started > SLOW_WRITE:
            log.debug("the disk is slow; writing the rest in a worker thread")
            self._threaded = True

    def _write_in_thread(self, pieces: list[bytes]) -> None:
        started = time.monotonic()
        self._write_all(pieces)
        if time.monotonic() - started < SLOW_WRITE / 2:
            # The disk keeps up again (one hiccup of the page cache, not a slow disk):
            # back to the loop, where writing is cheaper than handing off to a thread.
            self._threaded = False

    async def flush(self) -> None:
        """Wait until every batch is written."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            await in_flight

    async def sync(self) -> None:
        """Wait for every batch, then flush them to the disk (in a thread: it may take a while)."""
        await self.flush()
        await asyncio.get_running_loop().run_in_executor(None, self._sync)

    def _sync(self) -> None:
        with self._lock:
            os.fsync(self._fd)

    def close(self) -> None:
        """Close the file once no batch is being written; a batch not yet started never is."""
        if self._in_flight is not None:
            self._in_flight.cancel()
            self._in_flight = None
        with self._lock:
            self._file.close()
