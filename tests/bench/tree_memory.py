"""Memory of the board tree against a QStandardItemModel holding the same rows.

    .venv/bin/python tests/bench/tree_memory.py satchel|reference ROWS.pickle

Run by tree_bench.py, once per side, each in a fresh process: it reads the rows (the
domain objects of a loaded board, as nested (item, children) pairs), notes the resident
set, builds the side's model from them and prints how much the resident set grew, in
KiB. BoardTreeModel gets the rows the way fetches hand them over (children_arrived, the
slices past a list's first page made to the end); the reference gets four QStandardItems
a row holding the texts the tree shows. Neither has a view: the models alone.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from satchel.domain.model import Account, Attachment
from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.models.tree_nodes import TreeNode
from satchel.models.tree_roles import human_size, kind_of, local_time, modified_at, type_text
from satchel.workspace.changes import ChangeFeed

Rows = list[tuple[Any, "Rows"]]


def resident_kib() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


class OneAccount:
    """The little of a Workspace that BoardTreeModel asks for without fetching."""

    def __init__(self, account: Account) -> None:
        self.changes = ChangeFeed()
        self._account = account

    def accounts(self) -> list[Account]:
        return [self._account]

    def account(self, _name: str) -> Account:
        return self._account

    def needs_sign_in(self, _name: str) -> bool:
        return False


def build_satchel(account: Account, rows: Rows) -> Any:
    model = BoardTreeModel(OneAccount(account), TaskRunner())  # type: ignore[arg-type]

    def put(node: TreeNode, below: Rows) -> None:
        model.children_arrived(node, [item for item, _ in below])
        while model._slicing:  # the slices the event loop would make, made now
            model._on_slice_timer_timeout()
        for item, further in below:
            found = model.tree.find(account.name, item.id)
            if further and found is not None:
                put(found, further)

    put(model.tree.root.children[0], rows)
    return model


def build_reference(rows: Rows) -> QStandardItemModel:
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Name", "Size", "Type", "Modified"])

    def put(parent: QStandardItem, below: Rows) -> None:
        for item, further in below:
            size = human_size(item.size) if isinstance(item, Attachment) else ""
            texts = (item.name, size, type_text(kind_of(item), item), local_time(modified_at(item)))
            row = [QStandardItem(text) for text in texts]
            parent.appendRow(row)
            put(row[0], further)

    account = QStandardItem("Acme")
    model.appendRow(account)
    put(account, rows)
    return model


def main() -> int:
    side, path = sys.argv[1], Path(sys.argv[2])
    app = QApplication.instance() or QApplication([])
    account, rows = pickle.loads(path.read_bytes())  # noqa: S301 (the parent wrote it)
    gc.collect()
    before = resident_kib()
    model = build_satchel(account, rows) if side == "satchel" else build_reference(rows)
    gc.collect()
    print(resident_kib() - before)
    del model, app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
