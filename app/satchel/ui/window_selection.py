"""The tree's rows as the window's commands see them: (account, domain object) through
the filter proxy, and the card a row stands for."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex

from satchel.domain.model import Attachment, Card
from satchel.models.board_tree import BoardTreeModel
from satchel.models.tree_filter import TreeFilterModel
from satchel.ui.tree_view import BoardTreeView


def card_of(node: object) -> str | None:
    """The card a row stands for: the card itself, or the card of an attachment."""
    if isinstance(node, Card):
        return node.id
    if isinstance(node, Attachment):
        return node.card_id
    return None


class TreeSelection:
    def __init__(self, tree: BoardTreeView, proxy: TreeFilterModel, model: BoardTreeModel) -> None:
        self.tree = tree
        self.proxy = proxy
        self.model = model

    def source(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        """The model's index behind a view (proxy) index."""
        return self.proxy.mapToSource(index) if index.isValid() else QModelIndex()

    def at(self, proxy_index: QModelIndex) -> tuple[str | None, object]:
        """(account name, domain object or Account) of a row; (None, None) for no row."""
        index = self.source(proxy_index)
        if not index.isValid():
            return None, None
        return self.model.account_of(index), self.model.node_at(index)

    def current(self) -> tuple[str | None, object]:
        return self.at(self.tree.currentIndex())
