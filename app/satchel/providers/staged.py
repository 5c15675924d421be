"""Dialects that upload in four steps (bearer, Productive).

1. create: the service makes a pending record and a storage permission (a form);
2. send: the file goes to the storage host as that form;
3. confirm: the service is told where the object is, and checks it;
4. link: the record is attached to a card.

Each step is public so that the transfer queue (`satchel.transfers.upload_run`) can
journal and resume between them; it is the only code that runs them in order.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import timedelta
from pathlib import Path

import httpx

from satchel.domain.errors import PolicyExpired
from satchel.domain.model import Attachment, PendingUpload, StoredObject
from satchel.domain.progress import ProgressCallback, no_progress
from satchel.providers.base import Provider
from satchel.storage.s3form import upload_form

#: A form with less time than this left is not sent: it would expire on the way.
FORM_MARGIN = timedelta(seconds=30)


class StagedUploadProvider(Provider):
    """A provider whose upload is four steps a transfer queue can drive one by one."""

    #: Bytes, once known (from `whoami()`); None means the service did not say.
    max_upload_size: int | None = None
    #: How a person knows the service ("Productive").
    service_name = "the service"
    #: The clean storage client (no credential) forms go through; the dialect sets it.
    _storage: httpx.AsyncClient

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
