"""Dialects that upload in four steps (bearer, Productive), and how `upload()` runs them.

1. create: the service makes a pending record and a storage permission (a form);
2. send: the file goes to the storage host as that form;
3. confirm: the service is told where the object is, and checks it;
4. link: the record is attached to a card.

Each step is public so that a transfer queue can journal and resume between them.
`upload()` runs all four, and leaves nothing behind when it fails or is cancelled.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from abc import abstractmethod
from datetime import timedelta
from pathlib import Path

import httpx

from satchel.domain import units
from satchel.domain.errors import LocalFileError, PolicyExpired, SatchelError, TooLarge
from satchel.domain.model import Attachment, PendingUpload, StoredObject
from satchel.domain.progress import ProgressCallback, no_progress
from satchel.providers.base import Provider
from satchel.storage.s3form import upload_form

log = logging.getLogger(__name__)

#: Best-effort clean-up must not hold a cancelled upload hostage for long.
DISCARD_TIMEOUT = 15.0
#: A form with less time than this left is not sent: it would expire on the way.
FORM_MARGIN = timedelta(seconds=30)


def guess_content_type(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def _human(size: int) -> str:
    return units.binary_size(size)


class StagedUploadProvider(Provider):
    """A provider whose upload is four steps a transfer queue can drive one by one."""

    #: Bytes, once known (from `whoami()`); None means the service did not say.
    max_upload_size: int | None = None
    #: How a person knows the service ("Productive").
    service_name = "the service"
    #: The clean storage client (no credential) forms go through; the dialect sets it.
    _storage: httpx.AsyncClient

    def __init__(self) -> None:
        # Clean-ups that outlived a second cancel: kept so they are not garbage-collected.
        self._discards: set[asyncio.Task[None]] = set()

    @abstractmethod
    async def create_upload(self, name: str, size: int, content_type: str) -> PendingUpload:
        """Step 1: a pending record and a permission to send exactly `size` bytes."""

    async def send_upload(
        self, pending: PendingUpload, path: Path, *, progress: ProgressCallback = no_progress
    ) -> StoredObject:
        """Step 2: the file to the storage host as the form, through the clean storage
        client. PolicyExpired means: create anew."""
        if not pending.is_usable(FORM_MARGIN):
            raise PolicyExpired(
                "The permission to upload ran out before the file was sent. "
                f"Send it again: Satchel asks {self.service_name} for a new permission."
            )
        record = pending.attachment
        return await upload_form(
            self._storage,
            pending.url,
            pending.fields,
            path,
            file_name=record.name if record else None,
            expected_size=record.size if record else None,
            progress=progress,
        )

    @abstractmethod
    async def confirm_upload(self, pending: PendingUpload, stored: StoredObject) -> Attachment:
        """Step 3: tell the service where the object is; it checks it and stores the record."""

    @abstractmethod
    async def link_attachment(self, card_id: str, attachment_id: str) -> Attachment:
        """Step 4: attach the stored record to a card. Idempotent."""

    @abstractmethod
    async def discard_upload(self, attachment_id: str) -> None:
        """Delete a record (and its object) that will not be finished. Idempotent."""

    async def upload(
        self,
        card_id: str,
        path: Path,
        *,
        name: str | None = None,
        content_type: str | None = None,
        progress: ProgressCallback = no_progress,
    ) -> Attachment:
        name = name or path.name
        content_type = content_type or guess_content_type(name)
        size = self._size_of(path)
        created: str | None = None
        try:
            pending = await self.create_upload(name, size, content_type)
            created = pending.id
            try:
                stored = await self.send_upload(pending, path, progress=progress)
            except PolicyExpired:
                # The permission died while the file waited: one fresh one, then give up.
                log.info("upload permission expired; asking for a new one")
                created = None
                await self._discard(pending.id)
                pending = await self.create_upload(name, size, content_type)
                created = pending.id
                stored = await self.send_upload(pending, path, progress=progress)
            attachment = await self.confirm_upload(pending, stored)
            return await self.link_attachment(card_id, attachment.id)
        except BaseException:
            if created is not None:
                await self._discard(created)
            raise

    def _size_of(self, path: Path) -> int:
        try:
            size = path.stat().st_size
        except OSError as error:
            raise LocalFileError(
                f"“{path.name}” cannot be read ({error.strerror or 'unknown error'}). "
                "Choose the file again.",
                detail=str(error),
            ) from None
        limit = self.max_upload_size
        if limit is not None and size > limit:
            raise TooLarge(
                f"“{path.name}” is {_human(size)}; this service takes files up to "
                f"{_human(limit)}. Split or compress it first."
            )
        return size

    async def _discard(self, attachment_id: str) -> None:
        """Best effort, shielded: a cancel of the upload must not cancel its clean-up."""
        task = asyncio.ensure_future(self._discard_quietly(attachment_id))
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            self._discards.add(task)  # finishes on its own; keep a reference until then
            task.add_done_callback(self._discards.discard)
            raise

    async def _discard_quietly(self, attachment_id: str) -> None:
        try:
            async with asyncio.timeout(DISCARD_TIMEOUT):
                await self.discard_upload(attachment_id)
        except (SatchelError, TimeoutError) as error:
            # The service's orphan sweep removes what is never linked; say so and move on.
            log.warning("could not remove unfinished upload %s: %s", attachment_id, error)
