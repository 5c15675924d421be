"""The workspace's "what changed" events as Qt signals, delivered on the Qt thread."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, Signal

from satchel.workspace import Workspace


class WorkspaceChanges(QObject):
    #: Attachments were added to or deleted from this card.
    card_changed = Signal(str, str)  # account name, card id
    #: The service refused the account's secret: it must sign in again.
    sign_in_required = Signal(str)
    #: The account signed in again: what it was refused may be asked for again.
    signed_in = Signal(str)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        workspace.changes.subscribe(self)

    def notify_card_changed(self, account: str, card_id: str) -> None:
        with contextlib.suppress(RuntimeError):  # its Qt object was deleted already
            self.card_changed.emit(account, card_id)

    def notify_sign_in_required(self, account: str) -> None:
        with contextlib.suppress(RuntimeError):
            self.sign_in_required.emit(account)

    def notify_signed_in(self, account: str) -> None:
        with contextlib.suppress(RuntimeError):
            self.signed_in.emit(account)
