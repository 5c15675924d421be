"""What the board tree's rows show: roles beyond Qt's own, columns, kinds, words, icons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum

from PySide6.QtCore import Qt

from satchel.domain import units
from satchel.domain.file_kinds import file_kind
from satchel.domain.model import Account, Attachment, Board, BoardList, Card, Node

_USER = int(Qt.ItemDataRole.UserRole)


class ItemRole(IntEnum):
    """Data roles of BoardTreeModel rows, after Qt.UserRole (napari's ItemRole)."""

    #: The domain object of the row (Board, BoardList, Card, Attachment) or the Account.
    NODE = _USER
    #: The name of the account the row belongs to.
    ACCOUNT_NAME = _USER + 1
    #: The LoadState of the row's children ("not_loaded", "loading", "loaded", "failed").
    LOAD_STATE = _USER + 2
    #: The failure's message, on a failure row and on the node that failed.
    ERROR_MESSAGE = _USER + 3
    #: The RowKind of the row.
    KIND = _USER + 4
    #: What the column sorts by: bytes for Size, a POSIX time for Modified, folded text else.
    SORT_KEY = _USER + 5
    #: The row's id inside the model (an int, stable while the row exists).
    NODE_ID = _USER + 6


class Column(IntEnum):
    NAME = 0
    SIZE = 1
    TYPE = 2
    MODIFIED = 3


COLUMN_TITLES = ("Name", "Size", "Type", "Modified")


class RowKind(StrEnum):
    ACCOUNT = "account"
    BOARD = "board"
    LIST = "list"
    CARD = "card"
    ATTACHMENT = "attachment"
    #: The one child row of a node whose children are being fetched.
    LOADING = "loading"
    #: The one child row of a node whose children could not be fetched; it offers a retry.
    FAILURE = "failure"
    #: The last row of a long list showing a page of it: activating it shows the next page.
    MORE = "more"


CONTAINERS = frozenset({RowKind.ACCOUNT, RowKind.BOARD, RowKind.LIST, RowKind.CARD})
LOADING_TEXT = "Loading…"
RETRY_HINT = "Press Enter or double-click to retry."
SIGN_IN_SUFFIX = " — sign in again"
#: A sign-in that runs out within this long gets a warning on its account's row.
EXPIRY_WARNING = timedelta(days=1)


def count_text(done: int, about: int | None, noun: str = "cards") -> str:
    """How far a long fetch got: "1,000 of about 5,000 cards"."""
    if about is None or about <= done:
        return f"{done:,} {noun} so far"
    return f"{done:,} of about {about:,} {noun}"


def more_text(hidden: int) -> str:
    """The row after a page of a long list."""
    return f"Show more ({hidden:,} not shown yet)"


def account_suffix(account: Account, *, signed_out: bool, now: datetime | None = None) -> str:
    """What the account row adds to the name: sign in again, or when the sign-in runs out."""
    now = now or datetime.now(UTC)
    if signed_out or account.expires_within(timedelta(0), now):
        return SIGN_IN_SUFFIX
    expires = account.expires_at
    if expires is not None and expires - now <= EXPIRY_WARNING:
        return f" — sign-in expires in {units.human_duration((expires - now).total_seconds())}"
    return ""


_KIND_OF = {Board: RowKind.BOARD, BoardList: RowKind.LIST, Card: RowKind.CARD}
_TYPE_TEXT = {
    RowKind.ACCOUNT: "Account",
    RowKind.BOARD: "Board",
    RowKind.LIST: "List",
    RowKind.CARD: "Card",
}


def kind_of(item: Account | Node) -> RowKind:
    if isinstance(item, Account):
        return RowKind.ACCOUNT
    if isinstance(item, Attachment):
        return RowKind.ATTACHMENT
    return _KIND_OF[type(item)]


def modified_at(item: object) -> datetime | None:
    if isinstance(item, Attachment):
        return item.created_at
    if isinstance(item, Board | BoardList | Card):
        return item.updated_at or item.created_at
    return None


def human_size(size: int | None) -> str:
    return "" if size is None else units.human_size(size)


def local_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def type_text(kind: RowKind, item: object) -> str:
    """The Type column: the content type of a file, "Link", or what the row is."""
    if isinstance(item, Attachment):
        return "Link" if item.is_link else item.content_type
    return _TYPE_TEXT.get(kind, "")


def icon_name(kind: RowKind, item: object, *, signed_out: bool = False) -> str:
    """The file name (without .svg) of the row's icon in resources/icons."""
    if kind is RowKind.FAILURE or signed_out:
        return "warning"
    if kind is RowKind.LOADING:
        return "loading"
    if kind is RowKind.MORE:
        return "list"
    if not isinstance(item, Attachment):
        return kind.value
    if item.is_link:
        return "link"
    return file_kind(item.local_name, item.content_type).icon
