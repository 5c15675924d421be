"""What the board tree hands to views beyond Qt's own roles, and its columns."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from PySide6.QtCore import Qt

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
