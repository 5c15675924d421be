"""Add Account…, Sign In Again…, Remove Account…, and the window's answer when an
account must sign in again (the workspace publishes it; see models/workspace_changes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStatusBar, QWidget

from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.models.workspace_changes import WorkspaceChanges
from satchel.ui.error_bar import ErrorBarWidget
from satchel.ui.window_questions import Questions
from satchel.workspace import Workspace

if TYPE_CHECKING:  # the dialog loads at its first use, not at start-up
    from satchel.ui.account_dialog import AccountDialog


class AccountCommands(QObject):
    #: An account came or went: the window updates its welcome and its count.
    accounts_changed = Signal()

    def __init__(
        self,
        window: QWidget,
        workspace: Workspace,
        runner: TaskRunner,
        model: BoardTreeModel,
        *,
        ask: Questions,
        error_bar: ErrorBarWidget,
        status: QStatusBar,
        changes: WorkspaceChanges,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._workspace = workspace
        self._runner = runner
        self._model = model
        self._ask = ask
        self._error_bar = error_bar
        self._status = status
        changes.sign_in_required.connect(self._on_changes_sign_in_required)

    def add_account(self) -> AccountDialog:
        from satchel.ui.account_dialog import AccountDialog

        dialog = AccountDialog(self._workspace, self._runner, self._window)
        dialog.signed_in.connect(self._on_dialog_account_added)
        dialog.open()
        return dialog

    def sign_in_again(self, name: str) -> AccountDialog:
        from satchel.ui.account_dialog import AccountDialog

        again = self._workspace.account(name)
        dialog = AccountDialog(self._workspace, self._runner, self._window, again=again)
        dialog.signed_in.connect(self._on_dialog_signed_in_again)
        dialog.open()
        return dialog

    def remove_account(self, name: str) -> None:
        if not self._ask.confirm(
            "Remove account",
            f"Remove the account {name!r} from Satchel and delete its saved secret? "
            "Nothing on the service is deleted.",
        ):
            return
        self._model.remove_account(name)
        self._runner.run(
            self._workspace.remove(name),
            f"Removing {name}",
            on_done=lambda _refused: self._on_account_removed(name),
        )

    def add_account_row(self, name: str) -> None:
        """Show a newly signed-in account in the tree."""
        self._model.add_account(name)
        self.accounts_changed.emit()

    def _on_account_removed(self, name: str) -> None:
        self._status.showMessage(f"Removed {name}.", 5000)
        self.accounts_changed.emit()

    def _on_dialog_account_added(self, name: str) -> None:
        self.add_account_row(name)
        self._status.showMessage(f"Signed in to {name}.", 5000)

    def _on_dialog_signed_in_again(self, name: str) -> None:
        self._error_bar.dismiss()
        self._model.account_signed_in(name)
        self._status.showMessage(f"Signed in to {name} again.", 5000)

    def _on_changes_sign_in_required(self, name: str) -> None:
        self._error_bar.show_message(
            f"{name}: the service no longer accepts the saved key. Sign in again to go on; "
            "the tree and your queued work are kept.",
            "Sign in again…",
            lambda: self.sign_in_again(name),
        )
