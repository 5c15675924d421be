"""A multipart/form-data body streamed from disk: the fields, then the file, last.

httpx has no async file bodies, so the body is an async byte iterator with an exact
length. The file is read in ~1 MiB chunks in a worker thread, one chunk ahead of the
socket (the thread also feeds MD5, so hashing overlaps sending and costs the
event loop nothing), and checked before and after:
a file that changes while it is being sent fails before the closing boundary
goes out, so the storage host never accepts a half-old, half-new object.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import secrets
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from satchel.domain.errors import FileChanged, LocalFileError
from satchel.domain.progress import ProgressCallback, no_progress

CHUNK_SIZE = 1024 * 1024


def _quote_param(value: str) -> bytes:
    # What browsers do (HTML form encoding): UTF-8, with only '"', CR and LF escaped.
    escaped = value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    return escaped.encode("utf-8")


def _file_error(path: Path, error: OSError) -> LocalFileError:
    reason = error.strerror or type(error).__name__
    if error.errno in {errno.ENOENT, errno.ENOTDIR}:
        return LocalFileError(f"“{path.name}” is no longer there. Choose the file again.")
    if error.errno in {errno.EACCES, errno.EPERM}:
        return LocalFileError(
            f"Satchel may not read “{path.name}”. Check the file's permissions and retry."
        )
    return LocalFileError(f"“{path.name}” could not be read ({reason}).", detail=str(error))


def _changed(path: Path) -> FileChanged:
    return FileChanged(
        f"“{path.name}” changed on disk while it was being sent, so the copy would not match. "
        "Send it again once it is saved and no longer changing."
    )


class FormBody:
    """Use as a context manager (it owns the open file), then iterate it once as the body."""

    def __init__(
        self,
        path: Path,
        fields: Mapping[str, str],
        *,
        file_field: str = "file",
        file_name: str | None = None,
        content_type: str = "application/octet-stream",
        expected_size: int | None = None,
        progress: ProgressCallback = no_progress,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self.path = path
        self._fields = dict(fields)
        self._file_field = file_field
        self._file_name = file_name if file_name is not None else path.name
        self._file_type = content_type
        self._expected_size = expected_size
        self._progress = progress
        self._chunk_size = chunk_size
        self.boundary = secrets.token_hex(16)
        self._file: BinaryIO | None = None
        self._md5 = hashlib.md5(usedforsecurity=False)
        self.size = 0
        self._stat: os.stat_result | None = None
        self._prefetch: asyncio.Future[bytes] | None = None

    # --- the file --------------------------------------------------------------------------

    def __enter__(self) -> FormBody:
        try:
            self._file = self.path.open("rb")
            self._stat = os.fstat(self._file.fileno())
        except OSError as error:
            self.close()
            raise _file_error(self.path, error) from None
        self.size = self._stat.st_size
        if self._expected_size is not None and self.size != self._expected_size:
            self.close()
            raise FileChanged(
                f"“{self.path.name}” changed on disk since the upload was prepared "
                f"({self._expected_size} bytes then, {self.size} now). Send it again."
            )
        self._parts = self._iterate()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._prefetch is not None:
            self._prefetch.cancel()  # a read not yet started never starts
            self._prefetch = None
        file, self._file = self._file, None
        if file is not None:
            file.close()  # waits for a read still running in the worker thread

    @property
    def md5_hex(self) -> str:
        """The MD5 of what was sent; complete once the body has been iterated."""
        return self._md5.hexdigest()

    # --- the body --------------------------------------------------------------------------

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _head(self) -> bytes:
        dash = b"--" + self.boundary.encode()
        parts = []
        for name, value in self._fields.items():
            parts += [
                dash,
                b'\r\nContent-Disposition: form-data; name="' + _quote_param(name) + b'"\r\n\r\n',
                value.encode("utf-8"),
                b"\r\n",
            ]
        parts += [
            dash,
            b'\r\nContent-Disposition: form-data; name="' + _quote_param(self._file_field),
            b'"; filename="' + _quote_param(self._file_name) + b'"\r\n',
            b"Content-Type: " + self._file_type.encode("utf-8") + b"\r\n\r\n",
        ]
        return b"".join(parts)

    def _tail(self) -> bytes:
        return b"\r\n--" + self.boundary.encode() + b"--\r\n"

    @property
    def content_length(self) -> int:
        return len(self._head()) + self.size + len(self._tail())

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.content_type, "Content-Length": str(self.content_length)}

    def __aiter__(self) -> FormBody:
        return self

    async def __anext__(self) -> bytes:
        return await self._parts.__anext__()

    def _read(self, size: int) -> bytes:
        """In a worker thread: one chunk, hashed on the way."""
        file = self._file
        if file is None:
            raise ValueError("FormBody used outside its `with` block")
        chunk = file.read(size)
        self._md5.update(chunk)
        return chunk

    def _read_ahead(self, start: int) -> asyncio.Future[bytes] | None:
        """Start reading the chunk at `start` while the previous one is being sent."""
        if start >= self.size:
            self._prefetch = None
        else:
            size = min(self._chunk_size, self.size - start)
            self._prefetch = asyncio.get_running_loop().run_in_executor(None, self._read, size)
        return self._prefetch

    async def _iterate(self) -> AsyncIterator[bytes]:
        """Head, file chunks, check, tail. Progress counts bytes httpx has already sent."""
        yield self._head()
        sent = 0
        reading = self._read_ahead(0)
        while reading is not None:
            try:
                chunk = await reading
            except OSError as error:
                raise _file_error(self.path, error) from None
            if not chunk:
                raise _changed(self.path)  # shorter than it was when opened
            if sent:
                self._progress(sent, self.size)  # the previous chunk is on its way
            sent += len(chunk)
            reading = self._read_ahead(sent)
            yield chunk
        self._check_unchanged()
        self._progress(self.size, self.size)
        yield self._tail()

    def _check_unchanged(self) -> None:
        assert self._file is not None and self._stat is not None
        try:
            now_open = os.fstat(self._file.fileno())
            now_named = self.path.stat()
        except OSError:
            raise _changed(self.path) from None
        before = (self._stat.st_size, self._stat.st_mtime_ns)
        if (now_open.st_size, now_open.st_mtime_ns) != before:
            raise _changed(self.path)
        if (now_named.st_ino, now_named.st_dev) != (self._stat.st_ino, self._stat.st_dev):
            raise _changed(self.path)  # replaced (an editor saved a new copy over it)
