"""New queue items, checked before anything is sent: a bad file becomes a failed item with
its reason, and never stops the others."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from satchel.domain.errors import SatchelError
from satchel.domain.file_kinds import guess_content_type
from satchel.domain.model import Attachment
from satchel.storage.download import write_error
from satchel.transfers.checks import check_source
from satchel.transfers.items import (
    ERROR_FIELDS,
    Direction,
    SavedCopy,
    State,
    Step,
    TransferItem,
)
from satchel.transfers.naming import case_key, free_path, safe_local_name


def record_failure(item: TransferItem, error: SatchelError) -> None:
    item.state = State.FAILED
    item.error = error.message
    item.error_code = error.exit_code
    item.error_kind = type(error).__name__
    item.finished_at = time.time()


def upload_item(
    *,
    account: str,
    card_id: str,
    path: Path,
    name: str | None,
    batch: str,
    owner: str,
    max_size: int | None,
) -> TransferItem:
    """A queued upload of `path` to the card, or a failed one that says why not.

    The name on the service is the file's name exactly as written (non-ASCII letters,
    spaces, even line breaks), unless `name` says otherwise.
    """
    name = name if name is not None else path.name
    item = TransferItem(
        id=0,
        direction=Direction.UPLOAD,
        account=account,
        batch=batch,
        card_id=card_id,
        attachment_id=None,
        local_path=path.absolute(),  # `queue resume` may run from another folder
        name=name or str(path),
        content_type=guess_content_type(name),
        size=None,
        mtime_ns=None,
        state=State.QUEUED,
        step=Step.CREATE,
        owner=owner,
    )
    try:
        facts = check_source(path, max_size)
    except SatchelError as error:
        record_failure(item, error)
        return item
    item.size, item.mtime_ns = facts.size, facts.mtime_ns
    return item


def download_item(
    *,
    account: str,
    attachment: Attachment,
    folder: Path,
    batch: str,
    owner: str,
    taken: Callable[[Path], bool],
    saved_before: SavedCopy | None,
) -> TransferItem:
    """A queued download into `folder`.

    `saved_before` is where the journal says this attachment was saved, the file still as
    it was saved (if anywhere): the download starts there and ends as soon as the storage
    says it holds the same content (see same_content). A file that merely has the name
    and size is not taken for it: it may be anybody's.
    Otherwise the destination is reserved now: the first free name, "name (2).ext"...
    """
    name = safe_local_name(attachment.local_name, fallback=attachment.id)
    item = TransferItem(
        id=0,
        direction=Direction.DOWNLOAD,
        account=account,
        batch=batch,
        card_id=attachment.card_id,
        attachment_id=attachment.id,
        local_path=folder / name,
        name=attachment.name,
        content_type=attachment.content_type,
        size=attachment.size,
        mtime_ns=None,
        state=State.QUEUED,
        step=Step.FETCH,
        owner=owner,
    )
    if saved_before is not None:
        item.local_path = saved_before.path
        item.mtime_ns, item.etag = saved_before.mtime_ns, saved_before.etag
        return item
    item.local_path = free_path(folder, name, taken)
    return item


def download_items(
    *,
    account: str,
    wanted: Sequence[tuple[Attachment, Path]],
    saved: dict[str, list[SavedCopy]],
    reserved: set[Path],
    batch: str,
    owner: str,
) -> list[TransferItem]:
    """Downloads of these attachments into their folders (made here), with free names.

    `saved`: where the journal says each attachment was saved before; `reserved`: the
    destinations of unfinished downloads (grows with the names chosen here). Names that
    differ only in case count as the same name.
    """
    folded = {case_key(path) for path in reserved}
    items = []
    for attachment, folder in wanted:
        before = next(
            (
                copy
                for copy in saved.get(attachment.id, [])
                if copy.path.parent == folder and copy.still_there(attachment.size)
            ),
            None,
        )
        item = download_item(
            account=account,
            attachment=attachment,
            folder=folder,
            batch=batch,
            owner=owner,
            taken=lambda path: case_key(path) in folded,
            saved_before=before,
        )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            record_failure(item, write_error(item.local_path, error))
        reserved.add(item.local_path)
        folded.add(case_key(item.local_path))
        items.append(item)
    return items


#: What `requeue` changes, for the journal.
REQUEUED_FIELDS = (
    "state", "step", "attempts", *ERROR_FIELDS, "finished_at", "size", "mtime_ns",
)  # fmt: skip


def requeue(item: TransferItem, max_size: int | None) -> None:
    """A failed or cancelled item, queued again as it is now (an upload: the file as it is
    now, after any clean-up left on the service); failed again if it cannot be sent."""
    item.state = State.QUEUED
    item.attempts = item.done_bytes = 0
    item.clear_error()
    item.finished_at = None
    if item.direction is Direction.DOWNLOAD:
        item.step = Step.FETCH
        return
    item.step = Step.DISCARD if item.attachment_id else Step.CREATE
    try:
        facts = check_source(item.local_path, max_size)
    except SatchelError as error:
        record_failure(item, error)
    else:
        item.size, item.mtime_ns = facts.size, facts.mtime_ns


def upload_items(
    account: str,
    card_id: str,
    paths: Sequence[Path],
    names: Sequence[str | None] | None,
    *,
    owner: str,
    max_size: int | None,
) -> list[TransferItem]:
    """One batch of uploads to the card, each checked now (see upload_item)."""
    batch = uuid.uuid4().hex
    chosen = names if names is not None else [None] * len(paths)
    return [
        upload_item(
            account=account,
            card_id=card_id,
            path=path,
            name=name,
            batch=batch,
            owner=owner,
            max_size=max_size,
        )
        for path, name in zip(paths, chosen, strict=True)
    ]
