"""The window's status bar: what runs now, the transfers' totals, the account count with
an offline mark, and how long a service's spent budget makes Satchel wait."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from satchel.ui.plain_text import plain
from satchel.workspace import Workspace


class WindowStatus:
    def __init__(self, bar: QStatusBar, workspace: Workspace) -> None:
        self.bar = bar
        self._workspace = workspace
        self.activity_label = plain(QLabel())  # task labels quote attachment names
        self.activity_bar = QProgressBar(maximum=0, textVisible=False)
        self.activity_bar.setMaximumWidth(120)
        self.activity_bar.hide()
        self.connection_label = QLabel()
        self.connection_label.setAccessibleName("Accounts")
        self.transfer_label = QLabel()
        self.offline = False
        bar.addWidget(self.activity_bar)
        bar.addWidget(self.activity_label, 1)
        bar.addPermanentWidget(self.transfer_label)
        bar.addPermanentWidget(self.connection_label)
        # A service's budget ran out (Trello's member look-ups): say how long Satchel waits.
        # (a bound method: held weakly, so it goes with the window)
        self.stop_hearing_waits = workspace.listen_for_waits(self._on_budget_wait)

    def _on_budget_wait(self, text: str, seconds: float) -> None:
        self.bar.showMessage(text, int(seconds * 1000) + 2000)

    def show_busy(self, busy: bool, label: str) -> None:
        self.activity_bar.setVisible(busy)
        self.activity_label.setText(f"{label}…" if busy else "")

    def set_offline(self, offline: bool) -> None:
        self.offline = offline
        self.update_account_count()

    def update_account_count(self) -> None:
        """The count of accounts, right whenever one comes or goes (the demo's accounts
        too), with the offline mark after a network failure."""
        accounts = len(self._workspace.accounts())
        if not accounts:
            text = "No account yet"
        else:
            mark = "⚠ Offline or unavailable ·" if self.offline else "●"
            text = f"{mark} {accounts} account{'s' * (accounts != 1)}"
        self.connection_label.setText(text)
