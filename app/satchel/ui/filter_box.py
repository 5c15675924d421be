"""The filter above the tree: matches at any depth (what is not loaded yet is loaded),
and the paths to matches opened as a crawl brings them in."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QLineEdit, QTreeView

from satchel.models.board_tree import BoardTreeModel
from satchel.models.tree_filter import TreeFilterModel
from satchel.ui.accessible import described

EXPAND_MS = 500  # while a crawl feeds the filter, open the paths to new matches this often


class FilterBox(QLineEdit):
    def __init__(self, tree: QTreeView, proxy: TreeFilterModel, model: BoardTreeModel) -> None:
        super().__init__(placeholderText="Filter by name (Ctrl+F)", clearButtonEnabled=True)
        described(self, "Filter", "Show only rows whose name contains the text, at any depth")
        self._tree = tree
        self._proxy = proxy
        self._model = model
        self._expand_timer = QTimer(self, singleShot=True, interval=EXPAND_MS)
        self._expand_timer.timeout.connect(self._expand_paths_to_matches)
        self.textChanged.connect(self._on_text_changed)
        proxy.filter_applied.connect(lambda _text: self._expand_paths_to_matches())
        model.loaded.connect(self._on_model_loaded)

    def focus_all(self) -> None:
        self.setFocus()
        self.selectAll()

    def _on_text_changed(self, text: str) -> None:
        self._proxy.set_filter_text(text)
        if text:
            self._model.load_all(None)  # matches at any depth: load what is not loaded yet

    def _expand_paths_to_matches(self) -> None:
        # Only the paths to matches: expandAll would lay out every one of 25,000 rows.
        for index in self._proxy.paths_to_matches():
            self._tree.expand(index)

    def _on_model_loaded(self, _parent: QModelIndex) -> None:
        if self._proxy.filter_text():
            self._expand_timer.start()  # a crawl loads thousands of nodes: expand once in a while
