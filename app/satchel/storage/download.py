"""Download one file from a resolved (presigned) link into place, safely.

The link comes from a resolver (the provider resolves its redirect without
following it with credentials). The file is fetched with a clean request, streamed
to a temporary file in the destination folder, its size checked, then renamed
into place: `dest` is replaced only by a complete copy. An error answer is never
written as the file. A link that has expired (by its own clock, or by the storage
host's 403 "Request has expired") is resolved again, once.
"""

from __future__ import annotations

import contextlib
import errno
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from satchel.domain.errors import (
    AlreadyThere,
    DiskFull,
    IntegrityError,
    LinkExpired,
    LocalFileError,
)
from satchel.domain.model import ResolvedLink
from satchel.domain.progress import ProgressCallback, no_progress
from satchel.local_files import create_new, finish_download, link_new, temporary_beside
from satchel.storage.body_stream import body_pieces
from satchel.storage.client import closing_answer, open_storage_get, read_capped
from satchel.storage.file_writer import BatchWriter
from satchel.storage.s3_answers import (
    Operation,
    malformed_storage_answer,
    storage_error,
)

log = logging.getLogger(__name__)

#: Progress is told at most once per this many bytes.
PROGRESS_STEP = 1024 * 1024
#: S3 checks a link's expiry when the request starts; a few seconds of slack is enough.
LINK_MARGIN = timedelta(seconds=5)

Resolver = Callable[[], Awaitable[ResolvedLink]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def write_error(dest: Path, error: OSError) -> LocalFileError:
    if error.errno in {errno.ENOSPC, errno.EDQUOT}:
        return DiskFull(
            f"There is no room left on the disk for “{dest.name}”. "
            "Free some space, or choose another folder, and try again."
        )
    if error.errno in {errno.ENOENT, errno.ENOTDIR}:
        return LocalFileError(f"The folder “{dest.parent}” is not there. Choose another one.")
    if error.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        return LocalFileError(
            f"Satchel may not write in “{dest.parent}”. Choose another folder.", detail=str(error)
        )
    return LocalFileError(
        f"“{dest.name}” could not be saved ({error.strerror or type(error).__name__}).",
        detail=str(error),
    )


def declared_size(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


def longer_than_said(dest: Path, expected: int) -> IntegrityError:
    """The body went on past its size: cut off there, not written to the end of the disk."""
    return IntegrityError(
        f"The file storage sent more than the {expected:,} bytes of “{dest.name}” it said "
        "it would; the download was stopped. Try again later.",
        detail=f"more than {expected} bytes",
    )


def size_mismatch(dest: Path, expected: int, got: int) -> IntegrityError:
    return IntegrityError(
        f"“{dest.name}” did not arrive whole ({got} bytes of {expected}). Download it again.",
        detail=f"expected {expected} bytes, received {got}",
    )


async def download_to_file(
    client: httpx.AsyncClient,
    resolve: Resolver,
    dest: Path,
    *,
    expected_size: int | None = None,
    progress: ProgressCallback = no_progress,
    clock: Callable[[], datetime] = _utc_now,
    replace: bool = True,
) -> Path:
    """Fetch what `resolve()` links to into `dest`; returns `dest`.

    `client` must be a clean storage client (no credentials). `expected_size`, when
    known (the service's record), must match what arrives. With `replace=False` a file
    already at `dest` (or one that appears meanwhile) is never replaced: AlreadyThere.
    """
    link = await resolve()
    resolved_again = False
    while True:
        if not link.is_usable(LINK_MARGIN, now=clock()):
            if resolved_again:
                raise LinkExpired(
                    "The service keeps handing out download links that have already expired. "
                    "Check that this computer's clock is right, then try again."
                )
            link, resolved_again = await resolve(), True
            continue
        try:
            return await _fetch(client, link, dest, expected_size, progress, replace=replace)
        except LinkExpired:
            if resolved_again:
                raise
            log.debug("link to %s expired; resolving it again", urlsplit(link.url).netloc)
            link, resolved_again = await resolve(), True


async def _fetch(
    client: httpx.AsyncClient,
    link: ResolvedLink,
    dest: Path,
    expected_size: int | None,
    progress: ProgressCallback,
    *,
    replace: bool,
) -> Path:
    # The bytes as stored: no on-the-fly compression, so sizes compare as they are.
    response = await open_storage_get(client, link.url, {"Accept-Encoding": "identity"})
    return await save_answer(response, dest, expected_size, progress, replace=replace)


async def save_answer(
    response: httpx.Response,
    dest: Path,
    expected_size: int | None,
    progress: ProgressCallback = no_progress,
    *,
    replace: bool = True,
) -> Path:
    """Save a streamed answer holding a file at `dest`, checked; the answer is closed.

    An error answer is never written: it becomes the storage host's refusal.
    """
    async with closing_answer(response):
        if not response.is_success:
            body = await read_capped(response)
            raise storage_error(response.status_code, body, response.headers, Operation.DOWNLOAD)
        if response.status_code != 200:
            raise malformed_storage_answer(f"status {response.status_code}", b"")
        declared = declared_size(response)
        if declared is not None and expected_size is not None and declared != expected_size:
            raise size_mismatch(dest, expected_size, declared)
        expected = expected_size if expected_size is not None else declared
        return await _save(response, dest, expected, progress, replace=replace)


async def _save(
    response: httpx.Response,
    dest: Path,
    expected: int | None,
    progress: ProgressCallback,
    *,
    replace: bool,
) -> Path:
    """Stream the body to a temporary file beside `dest`, check it, move it into place."""
    temp = temporary_beside(dest)
    try:
        file = create_new(temp)
    except OSError as error:
        raise write_error(dest, error) from None
    writer = BatchWriter(file)
    try:
        try:
            done = await write_body(response, writer, 0, expected, progress)
        except BodyTooLong as error:
            raise longer_than_said(dest, error.args[0]) from None
        finally:
            writer.close()
        if expected is not None and done != expected:
            raise size_mismatch(dest, expected, done)
        progress(done, done)
        _place(temp, dest, replace=replace)
    except AlreadyThere:
        _remove(temp)
        raise
    except OSError as error:
        _remove(temp)
        raise write_error(dest, error) from None
    except BaseException:  # a failed check, a dropped connection, a cancel
        _remove(temp)
        raise
    return dest


async def write_body(
    response: httpx.Response,
    writer: BatchWriter,
    done: int,
    expected: int | None,
    progress: ProgressCallback,
) -> int:
    """The one write loop of both downloads: the body after the first `done` bytes,
    each piece written as it arrives (while it is still in the CPU cache: measured,
    batching pieces into 1 MiB writes made the copy into the page cache 2-3x dearer),
    progress once per PROGRESS_STEP. What arrived before a break is in the file (a
    resumable download keeps it; a plain one removes its temporary file), synced to
    the disk. Returns the bytes in the file.

    A body that goes on past `expected` is cut off there: BodyTooLong (nothing past
    `expected` is written), never a file that fills the disk.
    """
    told = done
    try:
        async for piece in body_pieces(response):
            if expected is not None and done + len(piece) > expected:
                raise BodyTooLong(expected)
            await writer.write([piece])
            done += len(piece)
            if done - told >= PROGRESS_STEP:
                told = done
                progress(done, max(expected or 0, done))
    finally:
        await writer.sync()
    return done


class BodyTooLong(Exception):
    """The storage host sent more than the size it (or the service) said."""


def _place(temp: Path, dest: Path, *, replace: bool) -> None:
    if replace:
        temp.replace(dest)
    else:
        try:
            link_new(temp, dest)
        except FileExistsError:
            raise AlreadyThere(
                f"{dest} already exists; Satchel does not replace it. "
                "Choose another name with -o FILE, or move that file away."
            ) from None
        _remove(temp)
    finish_download(dest)


def _remove(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()
