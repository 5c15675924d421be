"""How the preview answers the workspace's events (see models/workspace_changes.py).

"A card's attachments changed": if the attachment shown left its card, the pane says
so. "This account must sign in again": a preview of that account still fetching stops
and the pane asks to sign in instead of failing; once the account signs in again, the
preview loads by itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from satchel.domain.model import Attachment
from satchel.models.task_runner import TaskRunner
from satchel.models.workspace_changes import WorkspaceChanges
from satchel.ui.preview import PreviewPage, PreviewPane
from satchel.workspace.content import ContentService

if TYPE_CHECKING:
    from satchel.ui.attachment_commands import AttachmentCommands


class PreviewAnswers(QObject):
    def __init__(
        self,
        commands: AttachmentCommands,
        content: ContentService,
        runner: TaskRunner,
        pane: PreviewPane,
    ) -> None:
        super().__init__(commands)
        self._commands = commands
        self._content = content
        self._runner = runner
        self._pane = pane
        self._changes = WorkspaceChanges(content.workspace, self)
        self._changes.card_changed.connect(self._on_changes_card_changed)
        self._changes.sign_in_required.connect(self._on_changes_sign_in_required)
        self._changes.signed_in.connect(self._on_changes_signed_in)

    def _previewed_on(self, account: str) -> Attachment | None:
        previewing = self._commands.previewing
        if previewing is None or previewing[0] != account:
            return None
        return previewing[1]

    def _on_changes_card_changed(self, account: str, card_id: str) -> None:
        attachment = self._previewed_on(account)
        if attachment is None or attachment.card_id != card_id:
            return

        def answered(there: bool) -> None:
            if not there and self._commands.previewing == (account, attachment):
                self._commands.cancel_preview()
                self._commands.forget_preview()
                self._pane.show_gone(attachment)

        self._runner.run(
            self._content.still_attached(account, attachment),
            f"Checking {attachment.name}",
            on_done=answered,
            on_error=lambda _error: True,  # the tree's refresh of the card says what failed
        )

    def _on_changes_sign_in_required(self, account: str) -> None:
        attachment = self._previewed_on(account)
        if attachment is None:
            return
        if self._pane.page in (PreviewPage.LOADING, PreviewPage.ERROR, PreviewPage.SIGN_IN):
            self._commands.cancel_preview()  # a fetch under way would only fail
            self._pane.show_sign_in(attachment, account)

    def _on_changes_signed_in(self, account: str) -> None:
        attachment = self._previewed_on(account)
        if attachment is not None and self._pane.page is PreviewPage.SIGN_IN:
            self._commands.preview(account, attachment)
