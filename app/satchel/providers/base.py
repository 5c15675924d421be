"""The interface every service dialect implements.

Methods are coroutines; cancelling the task that awaits one cancels the work and
cleans up what it started on the service. Every method raises only
`satchel.domain.errors.SatchelError` subclasses for failures it expects.

Uploads run only through the transfer queue. Dialects whose uploads go in steps it can
resume (bearer, Productive) derive from `satchel.providers.staged.StagedUploadProvider`;
a dialect with a single upload request (Trello's multipart POST) derives from
`SingleRequestUploadProvider` below.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from satchel.domain.errors import UsageError
from satchel.domain.model import (
    Attachment,
    Board,
    BoardList,
    Card,
    FileToSend,
    Identity,
    Node,
    ResolvedLink,
)
from satchel.domain.progress import CountProgress, ProgressCallback, no_progress

if TYPE_CHECKING:
    import httpx


class Provider(ABC):
    """A signed-in connection to one account of one service."""

    #: The clean client (no credential, no cookie) that talks to the storage host.
    _storage: httpx.AsyncClient

    #: The dialect's name as accounts store it: "bearer", "trello", "productive".
    kind: str

    @abstractmethod
    async def whoami(self) -> Identity:
        """Check the secret and tell who it belongs to."""

    @abstractmethod
    async def list_boards(self) -> list[Board]: ...

    @abstractmethod
    async def list_lists(self, board_id: str) -> list[BoardList]: ...

    @abstractmethod
    async def list_cards(self, list_id: str) -> list[Card]: ...

    @abstractmethod
    async def list_attachments(self, card_id: str) -> list[Attachment]: ...

    @abstractmethod
    async def get_attachment(self, attachment_id: str) -> Attachment: ...

    async def children(
        self, parent: Node | None, *, progress: CountProgress | None = None
    ) -> list[Node]:
        """The tree one level down: boards under the account, lists, cards, attachments.

        `progress` hears how far a long fetch got (a big board's cards), where it can tell.
        """
        if parent is None:
            return list(await self.list_boards())
        if isinstance(parent, Board):
            return list(await self.list_lists(parent.id))
        if isinstance(parent, BoardList):
            return list(await self.list_cards(parent.id))
        if isinstance(parent, Card):
            return list(await self.list_attachments(parent.id))
        return []

    def forget(self, node: Node | None = None) -> None:  # noqa: B027 - a no-op by default
        """Drop what the provider cached under `node` (everything when None): a refresh.

        Dialects that fetch a level ahead (Trello brings a board's cards and attachments
        in one request) answer later levels from that; a refresh must reach the service.
        """

    async def sign_out(self) -> None:  # noqa: B027 - a no-op by default
        """Give the secret up on the service, where the service can revoke it (Trello)."""

    @abstractmethod
    async def resolve_download(self, attachment: Attachment) -> ResolvedLink:
        """A fresh link that fetches the file without any credential."""

    async def download(
        self,
        attachment: Attachment,
        dest: Path,
        *,
        progress: ProgressCallback = no_progress,
        replace: bool = True,
    ) -> Path:
        """Save the attachment's content at `dest` (replaced only when complete, and only
        with `replace`)."""
        if attachment.is_link:
            raise UsageError(
                f"“{attachment.name}” is a link to a web page, not a file: open it instead."
            )
        return await self._save_file(attachment, dest, progress, replace)

    async def _save_file(
        self, attachment: Attachment, dest: Path, progress: ProgressCallback, replace: bool
    ) -> Path:
        """A file attachment to `dest`; by default through a freshly resolved link
        fetched by the clean storage client."""
        # Here, not at the top: the window imports this interface before its first click
        # and must not wait for the HTTP stack (start-up).
        from satchel.storage.download import download_to_file

        return await download_to_file(
            self._storage,
            lambda: self.resolve_download(attachment),
            dest,
            expected_size=attachment.size,
            progress=progress,
            replace=replace,
        )

    async def open_file(self, attachment: Attachment, headers: dict[str, str]) -> httpx.Response:
        """A streamed answer holding the file, asked with `headers` (Range); the caller
        closes it. By default a freshly resolved link, fetched by the clean storage client."""
        from satchel.storage.client import open_storage_get

        link = await self.resolve_download(attachment)
        return await open_storage_get(self._storage, link.url, headers)

    @abstractmethod
    async def delete(self, attachment: Attachment) -> None: ...

    def shared_page(self, attachment: Attachment) -> str | None:
        """What Copy Link gives when the service has no credential-free temporary link
        (Productive: the card's own web page, for people with access); None otherwise."""
        return None

    @abstractmethod
    def permanent_link(self, attachment: Attachment) -> str:
        """The service's own authenticated URL for the attachment; holds no secret."""

    @abstractmethod
    async def aclose(self) -> None:
        """Close the account's HTTP clients."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class SingleRequestUploadProvider(Provider):
    """A dialect that takes a file in one request (Trello's multipart POST); the transfer
    queue's `SingleRequestRun` sends it, and looks for it on the card after a crash."""

    @abstractmethod
    async def upload(
        self, card_id: str, file: FileToSend, progress: ProgressCallback = no_progress
    ) -> Attachment:
        """Send the file and attach it to the card; returns the linked attachment."""
