"""The one door to attachment content for the window: bytes (through the content cache),
previews the service made, fresh links, saving and deleting. The window names an
account and an attachment; the provider behind them never leaves this layer. No Qt.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from satchel.domain.errors import UsageError
from satchel.domain.file_names import safe_file_name, shortened
from satchel.domain.model import Attachment, Preview
from satchel.domain.progress import ProgressCallback, no_progress
from satchel.local_files import private_folder
from satchel.storage.content_cache import ContentCache
from satchel.workspace.space import Workspace


@runtime_checkable
class PreviewSource(Protocol):
    """A provider that can fetch the previews its service made (TrelloProvider)."""

    async def download_preview(
        self, attachment: Attachment, preview: Preview, dest: Path
    ) -> Path: ...


def preview_file_name(account: str, attachment_id: str, preview_id: str) -> str:
    """Safe on every file system whatever the names hold; no suffix: Qt reads the content."""
    key = "\0".join((account, attachment_id, preview_id))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class ContentService:
    def __init__(self, workspace: Workspace, cache: ContentCache, previews: Path) -> None:
        self.workspace = workspace
        self.cache = cache
        #: Where the service's previews of attachments are kept (thumbnails).
        self.previews = previews
        #: Files fetched past the preview limit ("Preview anyway"), each until let go.
        self.uncached = previews.with_name("preview-anyway")
        self._uncached_in_use: set[Path] = set()

    async def fetch(
        self, account: str, attachment: Attachment, progress: ProgressCallback = no_progress
    ) -> Path:
        """The attachment's content as a local file, downloaded only when not cached yet."""
        provider = self.workspace.provider(account)
        return await self.cache.fetch(provider, account, attachment, progress)

    async def fetch_uncached(
        self, account: str, attachment: Attachment, progress: ProgressCallback = no_progress
    ) -> Path:
        """The attachment's content in a temporary file of its own, never in the content
        cache: a file past the preview limit would push the cache past its cap (and
        evict everything else). `let_go` deletes it once the preview moves on."""
        provider = self.workspace.provider(account)
        self._forget_uncached_leftovers()
        private_folder(self.uncached)
        name = shortened(safe_file_name(attachment.local_name, fallback="file"), 120)
        dest = self.uncached / f"{uuid.uuid4().hex[:12]}-{name}"
        self._uncached_in_use.add(dest)
        try:
            return await provider.download(attachment, dest, progress=progress)
        except BaseException:
            self.let_go(dest)
            raise

    def let_go(self, path: Path) -> None:
        """Delete a file `fetch_uncached` made (anything else is left alone)."""
        if path.parent == self.uncached:
            self._uncached_in_use.discard(path)
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def _forget_uncached_leftovers(self) -> None:
        """Files an earlier run (or a crash) left, and previews nobody let go of."""
        with contextlib.suppress(OSError):
            for leftover in self.uncached.iterdir():
                if leftover not in self._uncached_in_use:
                    with contextlib.suppress(OSError):
                        leftover.unlink()

    async def fetch_preview(self, account: str, attachment: Attachment, preview: Preview) -> Path:
        """The service's preview of the attachment on disk (fetched once, kept across runs)."""
        dest = self.previews / preview_file_name(account, attachment.id, preview.id)
        if dest.is_file():
            return dest
        provider = self.workspace.provider(account)
        if not isinstance(provider, PreviewSource):
            raise UsageError(f"{account} cannot fetch previews")
        private_folder(self.previews)
        return await provider.download_preview(attachment, preview, dest)

    async def save_as(self, account: str, attachment: Attachment, dest: Path) -> Path:
        return await self.workspace.provider(account).download(attachment, dest)

    async def fresh_link(self, account: str, attachment: Attachment) -> tuple[str, datetime]:
        """A presigned link and until when it works (kept while it has time left)."""
        provider = self.workspace.provider(account)
        links = self.workspace.links(account)
        link = await links.resolve(attachment.id, lambda: provider.resolve_download(attachment))
        return link.url, link.expires_at

    def shared_page(self, account: str, attachment: Attachment) -> tuple[str, str] | None:
        """(the card's web page, the service's name) when the service has no temporary
        link to copy (Productive); None when `fresh_link` is the way."""
        provider = self.workspace.provider(account)
        page = provider.shared_page(attachment)
        return None if page is None else (page, provider.kind.capitalize())

    def permanent_link(self, account: str, attachment: Attachment) -> str:
        return self.workspace.provider(account).permanent_link(attachment)

    async def still_attached(self, account: str, attachment: Attachment) -> bool:
        """Whether the attachment is still on its card (after "its card changed")."""
        if not attachment.card_id:
            return True
        on_card = await self.workspace.provider(account).list_attachments(attachment.card_id)
        return any(each.id == attachment.id for each in on_card)

    async def delete(self, account: str, attachment: Attachment) -> None:
        """Delete the attachment; its card's attachments changed (every view hears it)."""
        await self.workspace.provider(account).delete(attachment)
        self.workspace.links(account).forget(attachment.id)
        if attachment.card_id:
            self.workspace.card_changed(account, attachment.card_id)
