"""Whether a download would fetch what is saved already: the same content, not the same name.

A file a finished download saved counts as "this attachment, already saved" only while
it is as it was saved (the size and modification time the journal kept), and while the
storage holds the same object: the same size and ETag as when it was saved. None of the
services lists a checksum or an ETag with its attachments (Trello, Productive, bearer),
so the storage's answer to the download's own GET tells; its headers come before any
byte of the body, which is then never read. Where an ETag is missing on either side, the
download runs and its bytes are compared with the saved file's: equal bytes are the same
content (nothing new is written), anything else is saved beside it, "name (2).ext".
"""

from __future__ import annotations

from pathlib import Path

import httpx

from satchel.storage.download import declared_size
from satchel.storage.resumable_download import Opener
from satchel.transfers.items import SavedCopy, TransferItem

_CHUNK = 1024 * 1024


class AlreadySaved(Exception):
    """The storage answered with the saved copy's size and ETag: nothing to fetch."""


def copy_to_confirm(item: TransferItem) -> SavedCopy | None:
    """The saved file a queued download may turn out to be, while it is still as saved.

    `download_items` queues such a download with the copy's path, modification time and
    ETag; the run forgets the modification time once the storage names another object.
    """
    if item.mtime_ns is None:
        return None
    copy = SavedCopy(item.local_path, item.size, item.mtime_ns, item.etag)
    return copy if copy.still_there(item.size) else None


def _strong(etag: str | None) -> str | None:
    """An ETag that names bytes; a weak one ("W/...") names only a meaning."""
    return etag if etag and not etag.startswith("W/") else None


def same_object(response: httpx.Response, copy: SavedCopy) -> bool:
    """Whether the storage's (full) answer is the object the copy was saved from."""
    etag = _strong(response.headers.get("ETag"))
    return (
        response.status_code == 200
        and etag is not None
        and etag == _strong(copy.etag)
        and declared_size(response) in (None, copy.size)
    )


def confirming(open_file: Opener, copy: SavedCopy) -> Opener:
    """`open_file`, raising AlreadySaved (its body unread) when it opens the copy's object."""

    async def opened(headers: dict[str, str]) -> httpx.Response:
        response = await open_file(headers)
        if same_object(response, copy):
            await response.aclose()
            raise AlreadySaved
        return response

    return opened


def same_bytes(fetched: Path, copy: SavedCopy) -> bool:
    """Whether the fetched file holds exactly the bytes of the copy, still as it was saved."""
    try:
        if not copy.still_there(fetched.stat().st_size):
            return False
        with fetched.open("rb") as one, copy.path.open("rb") as other:
            while True:
                chunk = one.read(_CHUNK)
                if chunk != other.read(_CHUNK):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False
