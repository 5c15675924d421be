"""Every account's cards in one searchable list, most recently changed first.

Files opened with Satchel ("Open with", `satchel FILE…`, a second launch) need a card;
the card picker searches this model. It fills itself by walking each account's boards
and lists through the workspace, one account after another in parallel, and keeps
whatever an account could not give as a sentence for the picker to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel

from satchel.domain.errors import SatchelError
from satchel.domain.model import Board, BoardList, Card
from satchel.models.tree_roles import local_time
from satchel.workspace import Workspace

_USER = int(Qt.ItemDataRole.UserRole)
#: (account name, card id) of the row.
TARGET_ROLE = _USER + 1
#: A POSIX time: the card's last change (or creation), 0 when unknown.
WHEN_ROLE = _USER + 2
#: Folded text the search matches: card, list, board and account names.
SEARCH_ROLE = _USER + 3
#: The card's own name, folded: a match there ranks above one in its board or list.
NAME_ROLE = _USER + 4
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CardPlace:
    """A card and where it sits."""

    account: str
    board: Board
    board_list: BoardList
    card: Card

    @property
    def when(self) -> datetime:
        return self.card.updated_at or self.card.created_at or _EPOCH

    @property
    def where(self) -> str:
        return f"{self.account} › {self.board.name} › {self.board_list.name}"


class CardSearchModel(QStandardItemModel):
    """Rows: card name, where it is, when it changed. Filled by `load`."""

    #: An account could not be read (its sentence says why); the others go on.
    account_failed = Signal(str, str)
    #: Every account has been walked.
    finished = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(0, 3, parent)
        self.workspace = workspace
        self.setHorizontalHeaderLabels(["Card", "Where", "Changed"])
        self.loading = False

    def add(self, place: CardPlace) -> None:
        name = QStandardItem(place.card.name)
        name.setData((place.account, place.card.id), TARGET_ROLE)
        name.setData(place.when.timestamp(), WHEN_ROLE)
        words = f"{place.card.name} {place.where}".casefold()
        name.setData(words, SEARCH_ROLE)
        name.setData(place.card.name.casefold(), NAME_ROLE)
        name.setToolTip(f"{place.card.name}\n{place.where}")
        changed = QStandardItem(local_time(place.when) if place.when > _EPOCH else "")
        row = [name, QStandardItem(place.where), changed]
        for item in row:
            item.setEditable(False)
        self.appendRow(row)

    async def load(self) -> None:
        """Walk every account (open boards and lists only); one failing account does not
        stop the others."""
        self.loading = True
        try:
            names = [account.name for account in self.workspace.accounts()]
            await asyncio.gather(*(self._load_account(name) for name in names))
        finally:
            self.loading = False
            self.finished.emit()

    async def _load_account(self, name: str) -> None:
        try:
            provider = self.workspace.provider(name)
            for board in await provider.children(None):
                if not isinstance(board, Board) or board.closed:
                    continue
                for board_list in await provider.children(board):
                    if not isinstance(board_list, BoardList) or board_list.closed:
                        continue
                    for card in await provider.children(board_list):
                        if isinstance(card, Card) and not card.closed:
                            self.add(CardPlace(name, board, board_list, card))
        except SatchelError as error:
            self.account_failed.emit(name, error.message)


class CardSearchFilter(QSortFilterProxyModel):
    """Every word typed must appear in the card's, list's, board's or account's name.
    Cards whose own name holds every word come first; within each group the newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setFilterRole(SEARCH_ROLE)
        self.sort(0, Qt.SortOrder.DescendingOrder)

    def set_search_text(self, text: str) -> None:
        # One lookahead per word: all words, in any order, anywhere in the names.
        self._words = text.casefold().split()
        pattern = "".join(f"(?=.*{re.escape(word)})" for word in self._words)
        self.setFilterRegularExpression(QRegularExpression(f"^{pattern}" if self._words else ""))
        self.sort(-1)  # the ranking depends on the words: sort again
        self.sort(0, Qt.SortOrder.DescendingOrder)

    def _rank(self, index: QModelIndex | QPersistentModelIndex) -> tuple[bool, float]:
        name = str(index.data(NAME_ROLE) or "")
        named = bool(self._words) and all(word in name for word in self._words)
        return named, float(index.data(WHEN_ROLE) or 0.0)

    def lessThan(  # Qt override
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        return self._rank(left) < self._rank(right)

    def target(self, index: QModelIndex) -> tuple[str, str] | None:
        if not index.isValid():
            return None
        value = self.data(index.siblingAtColumn(0), TARGET_ROLE)
        with contextlib.suppress(TypeError, ValueError):
            account, card_id = value
            return str(account), str(card_id)
        return None
