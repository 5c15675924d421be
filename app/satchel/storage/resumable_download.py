"""A download that survives a dropped connection: it keeps what arrived and asks for the rest.

The bytes go to a partial file the caller names (the transfer queue keeps its path in
its journal, so a download resumes even after a restart). Each try asks the storage
host for what is missing with `Range: bytes=N-` (and `If-Range`, so a changed object
starts over); a host that ignores Range answers 200 and the file starts over. Error
answers are never written; sizes are checked; the caller moves the complete partial
file into place.
"""

from __future__ import annotations

import contextlib
import logging
import re
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import BinaryIO

import httpx

from satchel.domain.errors import IntegrityError
from satchel.domain.progress import ProgressCallback, no_progress
from satchel.local_files import create_new, open_existing
from satchel.storage.client import closing_answer, read_capped
from satchel.storage.download import (
    BodyTooLong,
    declared_size,
    longer_than_said,
    size_mismatch,
    write_body,
    write_error,
)
from satchel.storage.file_writer import BatchWriter
from satchel.storage.s3_answers import (
    Operation,
    malformed_storage_answer,
    storage_error,
)

log = logging.getLogger(__name__)

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_UNSATISFIED_RANGE = re.compile(r"bytes\s+\*/(\d+)")

#: Told the object's ETag as soon as an answer carries one (to be journalled for If-Range).
EtagSink = Callable[[str | None], Awaitable[None]]
#: Opens a streamed GET of the file with the given (Range) headers.
Opener = Callable[[dict[str, str]], Awaitable[httpx.Response]]


def _size_of(path: Path) -> int:
    """What a partial file holds; anything but a plain file of ours (a link) starts over."""
    try:
        facts = path.lstat()
    except FileNotFoundError:
        return 0
    if not stat.S_ISREG(facts.st_mode):
        _start_over(path)
        return 0
    return facts.st_size


def _touch(path: Path) -> None:
    try:
        _open(path, 0).close()
    except OSError as error:
        raise write_error(path, error) from None


def _start_over(partial: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()


def _different_part(partial: Path, why: str) -> IntegrityError:
    # Retryable: the next try finds no partial file and fetches the whole object.
    _start_over(partial)
    return IntegrityError(
        f"The file storage sent a different part of “{partial.name}” than asked for; "
        "downloading it again from the start.",
        detail=why,
    )


async def fetch_resumable(
    open_file: Opener,
    partial: Path,
    *,
    expected_size: int | None,
    etag: str | None = None,
    on_etag: EtagSink | None = None,
    progress: ProgressCallback = no_progress,
) -> str | None:
    """Complete `partial` from what `open_file(headers)` answers; returns the object's
        ETag (if the host sent one).

        Raises NetworkError (what arrived is kept: try again to resume), IntegrityError
        (the partial file was dropped: try again to start over), or the storage host's
        refusal. `open_file` sends the Range headers it is given (a provider's `open_file`:
    a presigned link fetched by the clean storage client, or the service's own route).
    """
    have = _size_of(partial)
    if expected_size is not None and have > expected_size:
        _start_over(partial)
        have = 0
    if expected_size is not None and have == expected_size:
        if have == 0:
            _touch(partial)  # an empty file needs no request at all
        progress(have, have)
        return etag
    headers = {"Accept-Encoding": "identity"}  # the stored bytes, so offsets mean the same
    if have:
        headers["Range"] = f"bytes={have}-"
        if etag:
            headers["If-Range"] = etag
    response = await open_file(headers)
    async with closing_answer(response):
        return await _receive(response, partial, have, expected_size, etag, on_etag, progress)


async def _receive(
    response: httpx.Response,
    partial: Path,
    have: int,
    expected: int | None,
    etag: str | None,
    on_etag: EtagSink | None,
    progress: ProgressCallback,
) -> str | None:
    status = response.status_code
    if status == 416:
        await read_capped(response)
        match = _UNSATISFIED_RANGE.match(response.headers.get("Content-Range", ""))
        if match and int(match[1]) == have and expected in (None, have):
            progress(have, have)
            return etag  # it was complete already
        raise _different_part(partial, f"416 for bytes={have}-")
    if not response.is_success:
        body = await read_capped(response)
        raise storage_error(status, body, response.headers, Operation.DOWNLOAD)
    new_etag: str | None = response.headers.get("ETag")
    if status == 206:
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if match is None or int(match[1]) != have:
            raise _different_part(partial, f"Content-Range {response.headers.get('Content-Range')}")
        total = None if match[3] == "*" else int(match[3])
        if expected is not None and total is not None and total != expected:
            raise _different_part(partial, f"object of {total} bytes, expected {expected}")
        if etag and new_etag and new_etag != etag:
            raise _different_part(partial, "the ETag changed")
    elif status == 200:
        have = 0  # the host sent everything (Range not supported, or If-Range said changed)
        declared = declared_size(response)
        if declared is not None and expected is not None and declared != expected:
            raise size_mismatch(partial, expected, declared)
    else:
        raise malformed_storage_answer(f"status {status}", b"")
    if on_etag is not None and new_etag != etag:
        await on_etag(new_etag)
    size = await _append(response, partial, have, expected, progress)
    if expected is not None and size != expected:
        _start_over(partial)
        raise size_mismatch(partial, expected, size)
    progress(size, size)
    return new_etag


def _open(partial: Path, have: int) -> BinaryIO:
    try:
        if have:
            file = open_existing(partial)
        else:  # a fresh start: whatever is there (even a planted link) goes first
            _start_over(partial)
            file = create_new(partial)
        file.truncate(have)  # drop anything past what was checked
        file.seek(have)
    except OSError as error:
        raise write_error(partial, error) from None
    return file


async def _append(
    response: httpx.Response,
    partial: Path,
    have: int,
    expected: int | None,
    progress: ProgressCallback,
) -> int:
    """Write the body after the first `have` bytes; what arrived stays even if the body breaks."""
    writer = BatchWriter(_open(partial, have))
    try:
        # What arrived before a break is written too: the next try starts after it.
        return await write_body(response, writer, have, expected, progress)
    except OSError as error:
        raise write_error(partial, error) from None
    except BodyTooLong as error:
        writer.close()
        _start_over(partial)  # which bytes are the file's is anybody's guess
        raise longer_than_said(partial, error.args[0]) from None
    finally:
        writer.close()
