"""Fetched attachment content on disk, for previews: keyed by what the attachment is, size-capped.

A cached file is named after a key made of the account, the attachment's id, size,
creation time and file name, so an attachment that changed is fetched again (its old
copy ages out). The original extension is kept: viewers and default apps go by it.
Least-recently-used files are evicted once the total passes the cap; a hit counts as
a use (and touches the file, so the order survives a restart).

Two fetches of one key share a single download. Cancelling a fetch cancels the
download once nobody else waits for it; `download_to_file` writes to a temporary
file and renames it only when complete, so a cancel leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from satchel.domain.errors import LocalFileError
from satchel.domain.file_names import safe_file_name, shortened
from satchel.domain.model import Attachment
from satchel.domain.progress import ProgressCallback, no_progress
from satchel.local_files import is_temporary, private_folder

log = logging.getLogger(__name__)

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 512 * MIB
#: A temporary file this old belongs to no running download (a crash left it).
_STALE_PART_SECONDS = 3600
_KEY_CHARS = 24
_MAX_NAME_BYTES = 120  # the key and the name stay well inside NAME_MAX (255 bytes)


class Downloader(Protocol):
    """What the cache needs of a provider (storage sits below providers, so it names no class)."""

    async def download(
        self, attachment: Attachment, dest: Path, *, progress: ProgressCallback = ...
    ) -> Path: ...


def _safe_name(name: str) -> str:
    """The attachment's file name, fit for any file system, extension kept (the desktop
    opens the cached copy by it)."""
    return shortened(safe_file_name(name, fallback="file"), _MAX_NAME_BYTES)


def cache_key(account_name: str, attachment: Attachment) -> str:
    """What identifies one version of an attachment's content."""
    created = attachment.created_at.isoformat() if attachment.created_at else ""
    parts = [account_name, attachment.id, str(attachment.size), created, attachment.local_name]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:_KEY_CHARS]


@dataclass
class _Download:
    """One download in flight and everyone waiting for it."""

    task: asyncio.Task[Path]
    listeners: list[ProgressCallback] = field(default_factory=list)
    last: tuple[int, int] | None = None

    def report(self, done: int, total: int) -> None:
        self.last = (done, total)
        for listener in list(self.listeners):
            try:
                listener(done, total)
            except Exception:  # one broken listener must not fail a download others share
                log.exception("a progress listener failed; it gets no more reports")
                self.listeners.remove(listener)


class ContentCache:
    """Attachment content under `root` (which the cache owns), at most `max_bytes` in all."""

    def __init__(
        self,
        root: Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self.max_bytes = max_bytes
        #: Fetches answered without a new download (also those that joined one in flight).
        self.hits = 0
        #: Fetches that started a download.
        self.misses = 0
        self._clock = clock
        self._index: OrderedDict[Path, int] | None = None  # path -> size, oldest use first
        self._downloads: dict[str, _Download] = {}

    def path_for(self, account_name: str, attachment: Attachment) -> Path:
        """Where this version of the attachment is (or would be) cached."""
        key = cache_key(account_name, attachment)
        return self.root / f"{key}-{_safe_name(attachment.local_name)}"

    def cached(self, account_name: str, attachment: Attachment) -> Path | None:
        """The cached copy if there is one; does not count as a use."""
        path = self.path_for(account_name, attachment)
        return path if path in self._entries() and path.is_file() else None

    async def fetch(
        self,
        provider: Downloader,
        account_name: str,
        attachment: Attachment,
        progress: ProgressCallback = no_progress,
    ) -> Path:
        """The attachment's content as a local file, downloaded only when not cached yet."""
        path = self.path_for(account_name, attachment)
        entries = self._entries()
        if path in entries and path.is_file():
            self.hits += 1
            self._touch(path)
            return path
        entries.pop(path, None)  # the file went away behind our back
        key = path.name
        download = self._downloads.get(key)
        if download is None:
            self.misses += 1
            download = self._start(provider, attachment, path)
        else:
            self.hits += 1
            if download.last is not None:
                progress(*download.last)
        download.listeners.append(progress)
        try:
            return await asyncio.shield(download.task)
        except asyncio.CancelledError:
            download.listeners.remove(progress)
            if not download.listeners and not download.task.done():
                download.task.cancel()
                # Wait for the download to clean up, so a cancel leaves no file behind.
                with contextlib.suppress(BaseException):
                    await download.task
            raise

    def _start(self, provider: Downloader, attachment: Attachment, path: Path) -> _Download:
        key = path.name

        async def run() -> Path:
            try:
                self._make_root()
                await provider.download(attachment, path, progress=download.report)
                self._add(path)
                return path
            finally:
                self._downloads.pop(key, None)

        download = _Download(task=asyncio.ensure_future(run()))
        self._downloads[key] = download
        return download

    def _make_root(self) -> None:
        try:
            private_folder(self.root)
        except OSError as error:
            raise LocalFileError(
                f"Satchel cannot keep previews in “{self.root}” "
                f"({error.strerror or type(error).__name__}). Check that folder's permissions.",
                detail=str(error),
            ) from None

    def size_on_disk(self) -> int:
        """Bytes the cached files take (temporary files of downloads in flight not counted)."""
        return sum(self._entries().values())

    def clear(self) -> None:
        """Remove every cached file; downloads in flight still finish into the cache."""
        for path in list(self._entries()):
            self._remove(path)
        self._prune_leftovers(max_age=0)

    # --- the index ---------------------------------------------------------------------------

    def _entries(self) -> OrderedDict[Path, int]:
        if self._index is None:
            self._index = self._scan()
        return self._index

    def _scan(self) -> OrderedDict[Path, int]:
        """What an earlier run left, oldest use first (a hit touches the file's mtime)."""
        found: list[tuple[float, Path, int]] = []
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.root):
                if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                    continue
                stat = entry.stat(follow_symlinks=False)
                found.append((stat.st_mtime, Path(entry.path), stat.st_size))
        found.sort(key=lambda item: item[0])
        return OrderedDict((path, size) for _, path, size in found)

    def _touch(self, path: Path) -> None:
        entries = self._entries()
        entries.move_to_end(path)
        now = self._clock()
        with contextlib.suppress(OSError):
            os.utime(path, (now, now))

    def _add(self, path: Path) -> None:
        entries = self._entries()
        try:
            entries[path] = path.stat().st_size
        except OSError:
            entries.pop(path, None)
            return
        self._touch(path)
        self._evict(keep=path)

    def _evict(self, keep: Path) -> None:
        """Drop least-recently-used files until the total fits, never `keep`."""
        entries = self._entries()
        total = sum(entries.values())
        for path in list(entries):
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            total -= entries[path]
            self._remove(path)
        self._prune_leftovers(max_age=_STALE_PART_SECONDS)

    def _remove(self, path: Path) -> None:
        self._entries().pop(path, None)
        try:
            path.unlink(missing_ok=True)
        except OSError as error:  # e.g. open in a viewer on Windows; it goes next time
            log.debug("could not remove cached %s: %s", path.name, error)

    def _prune_leftovers(self, max_age: float) -> None:
        """Temporary files no download of ours is writing (a crash or a kill left them)."""
        now = self._clock()
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.root):
                if not is_temporary(entry.name):
                    continue
                if self._is_in_flight(entry.name):
                    continue
                with contextlib.suppress(OSError):
                    if now - entry.stat().st_mtime >= max_age:
                        Path(entry.path).unlink()

    def _is_in_flight(self, part_name: str) -> bool:
        # A download's temporary file is named after its destination (temporary_beside),
        # so it starts with the entry's key.
        return any(part_name.startswith(f".{name[:_KEY_CHARS]}") for name in self._downloads)
