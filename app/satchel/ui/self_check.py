"""`SATCHEL_SELF_CHECK`: prove from outside that a build works, then quit.

A bundle cannot be driven by pytest-qt: the test that builds one starts it with this
variable set. Once the window is on screen, the first account opens; when its boards have
loaded, the window prints what it lists, saves a picture of itself (when the variable names
a `.png` file) and closes as a person would.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QTimer
from PySide6.QtWidgets import QMainWindow, QTreeView

from satchel.models.board_tree import BoardTreeModel

SELF_CHECK = "SATCHEL_SELF_CHECK"
#: Give up (and say so) when no account has listed its boards by then.
TIMEOUT_MS = 60_000


class SelfCheck(QObject):
    def __init__(
        self, window: QMainWindow, tree: QTreeView, model: BoardTreeModel, target: str
    ) -> None:
        super().__init__(window)
        self.window, self.tree, self.model = window, tree, model
        self.picture = Path(target) if target.lower().endswith(".png") else None
        self.done = False
        model.loaded.connect(self._on_model_loaded)
        model.rowsInserted.connect(self._open_first_account)
        QTimer.singleShot(TIMEOUT_MS, self._give_up)
        QTimer.singleShot(0, self._open_first_account)

    def _open_first_account(self) -> None:
        view_model = self.tree.model()
        if view_model.rowCount() and not self.tree.isExpanded(view_model.index(0, 0)):
            self.tree.expand(view_model.index(0, 0))

    def _on_model_loaded(self, parent: QModelIndex) -> None:
        if not parent.isValid() or parent.parent().isValid():
            return  # only an account's own rows (its boards) answer the check
        if self.done:
            return
        self.done = True
        account = self.model.data(parent)
        boards = [
            str(self.model.data(self.model.index(row, 0, parent)))
            for row in range(self.model.rowCount(parent))
        ]
        print(f"self-check: account {account}: {', '.join(boards)}", flush=True)
        QTimer.singleShot(300, self._finish)  # let the rows paint before the picture

    def _finish(self) -> None:
        if self.picture is not None:
            self.window.grab().save(str(self.picture))
        self.window.close()

    def _give_up(self) -> None:
        if self.done:
            return
        print("self-check: no account listed its boards within 60 s", file=sys.stderr)
        self.window.close()
