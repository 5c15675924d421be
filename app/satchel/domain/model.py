"""The objects Satchel shows: every provider turns its wire format into these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from satchel.domain.file_kinds import guess_content_type
from satchel.domain.file_names import plain_name


class NodeKind(StrEnum):
    BOARD = "board"
    LIST = "list"
    CARD = "card"
    ATTACHMENT = "attachment"


def _show_plainly(node: object) -> None:
    """Names come from other people: no invisible characters may reach a label or a file."""
    for name in ("name", "file_name"):
        value = getattr(node, name, None)
        if value:
            object.__setattr__(node, name, plain_name(value))


@dataclass(frozen=True, slots=True)
class Account:
    """A service the user signed in to. Its secret sits in the keyring under `name`."""

    name: str
    kind: str  # "bearer", "trello", "productive"
    url: str
    #: Non-secret options of the dialect (Productive's organization id, Trello's key id...).
    options: dict[str, str] = field(default_factory=dict)

    @property
    def expires_at(self) -> datetime | None:
        """When the signed-in secret stops working, as the service said at sign-in."""
        text = self.options.get(EXPIRES_OPTION)
        try:
            return datetime.fromisoformat(text) if text else None
        except ValueError:
            return None

    def expires_within(self, span: timedelta, now: datetime | None = None) -> bool:
        expires = self.expires_at
        return expires is not None and expires - (now or datetime.now(UTC)) <= span


#: Where an account keeps when its secret expires (ISO 8601, UTC), if it does.
EXPIRES_OPTION = "expires"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a secret signs in as: the tenant or member, and what it may do."""

    id: str
    name: str
    scope: str  # "read", "read_write", or the service's own words
    expires_at: datetime | None = None
    max_upload_size: int | None = None  # bytes; None when the service does not say

    @property
    def can_write(self) -> bool:
        return self.scope in {"read_write", "write"} or "write" in self.scope.split(",")


@dataclass(frozen=True, slots=True)
class Board:
    id: str
    name: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed: bool = False
    kind: NodeKind = field(default=NodeKind.BOARD, init=False)

    def __post_init__(self) -> None:
        _show_plainly(self)


@dataclass(frozen=True, slots=True)
class BoardList:
    id: str
    name: str
    board_id: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed: bool = False
    kind: NodeKind = field(default=NodeKind.LIST, init=False)

    def __post_init__(self) -> None:
        _show_plainly(self)


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    name: str
    list_id: str
    board_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed: bool = False
    kind: NodeKind = field(default=NodeKind.CARD, init=False)

    def __post_init__(self) -> None:
        _show_plainly(self)


@dataclass(frozen=True, slots=True)
class Preview:
    """A thumbnail the service made for an attachment."""

    id: str
    url: str
    width: int
    height: int
    size: int | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    id: str
    name: str
    card_id: str | None
    content_type: str
    size: int | None  # None for link attachments and unknown sizes
    created_at: datetime | None = None
    state: str = "stored"
    download_url: str | None = None  # the service's authenticated route, no secret in it
    link_url: str | None = None  # set for link attachments: open it in a browser
    file_name: str | None = None
    previews: tuple[Preview, ...] = ()
    kind: NodeKind = field(default=NodeKind.ATTACHMENT, init=False)

    def __post_init__(self) -> None:
        _show_plainly(self)

    @property
    def is_link(self) -> bool:
        return self.link_url is not None

    @property
    def local_name(self) -> str:
        """The name to give a downloaded copy."""
        return self.file_name or self.name

    def preview_covering(self, width: int, height: int) -> Preview | None:
        """The smallest preview that covers `width` x `height`, else the largest there is."""
        if not self.previews:
            return None
        by_area = sorted(self.previews, key=lambda p: p.width * p.height)
        for preview in by_area:
            if preview.width >= width or preview.height >= height:
                return preview
        return by_area[-1]


Node = Board | BoardList | Card | Attachment


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    """A short-lived URL that fetches an attachment without any credential.

    It knows when it dies and must never be used after that.
    """

    url: str
    expires_at: datetime

    def time_left(self, now: datetime | None = None) -> timedelta:
        return self.expires_at - (now or datetime.now(UTC))

    def is_usable(self, margin: timedelta = timedelta(0), now: datetime | None = None) -> bool:
        return self.time_left(now) > margin


@dataclass(frozen=True, slots=True)
class FileToSend:
    """A local file on its way to a card: where it is, and the name and type it lands with."""

    path: Path
    name: str
    content_type: str

    @classmethod
    def of(cls, path: Path) -> FileToSend:
        """The file under its own name, with the content type its name suggests."""
        return cls(path, path.name, guess_content_type(path.name))


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What the storage host said about an object it accepted."""

    location: str
    bucket: str | None = None
    key: str | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """Step 1 of a staged upload: the service's record and its permission to send the file.

    `fields` hold a signed storage policy: a capability until `expires_at`, so they
    stay out of `repr` (and therefore out of log lines).
    """

    id: str  # the attachment the service created, state "pending"
    url: str  # where the form goes
    fields: Mapping[str, str] = field(repr=False)
    key: str  # the object key the policy allows
    expires_at: datetime | None = None
    attachment: Attachment | None = None  # the record as step 1 returned it

    def is_usable(self, margin: timedelta = timedelta(0), now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return True
        return self.expires_at - (now or datetime.now(UTC)) > margin
