"""Add an account, or sign in to one again: the secret is checked before anything is kept.

Each kind of service has its own small form (`KindForm`); Trello's browser
authorization and Productive's token + organization slot in as further forms.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from satchel.domain.errors import NoKeyring, SatchelError
from satchel.domain.model import Account
from satchel.models.task_runner import TaskRunner
from satchel.ui.accessible import described
from satchel.ui.account_forms import BearerForm, KindForm
from satchel.ui.plain_text import ask, plain
from satchel.ui.productive_form import ProductiveForm
from satchel.ui.trello_form import TrelloForm
from satchel.workspace import Workspace

FORMS: list[type[KindForm]] = [BearerForm, TrelloForm, ProductiveForm]


class AccountDialog(QDialog):
    """Emits `signed_in(name)` once the service accepted the secret and it is kept."""

    signed_in = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        parent: QWidget | None = None,
        again: Account | None = None,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._runner = runner
        self._again = again
        self._obtained: str | None = None
        #: Asks whether to keep the secret for this session only; tests replace it.
        self.confirm_session_only = self._ask_session_only
        self.setWindowTitle(f"Sign in to {again.name} again" if again else "Add account")
        self.setMinimumWidth(460)

        self.kind_box = QComboBox()
        self.forms = QStackedWidget()
        for form_class in FORMS:
            form = form_class()
            self.kind_box.addItem(form.title, form.kind)
            self.forms.addWidget(form)
            form.changed.connect(self._update_state)
        self.kind_box.currentIndexChanged.connect(self.forms.setCurrentIndex)
        # Each kind has its own missing fields: say the new form's, not the old one's.
        self.kind_box.currentIndexChanged.connect(lambda _index: self._update_state())
        self.name_edit = QLineEdit(placeholderText="(the service's host name)")
        self.status = plain(QLabel(wordWrap=True))
        self.status.setObjectName("accountDialogStatus")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        described(self.kind_box, "Kind", "The kind of service; its own fields follow")
        described(self.buttons.button(QDialogButtonBox.StandardButton.Ok), "Sign in",
                  "Check the secret with the service, then keep the account")  # fmt: skip
        described(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "Cancel",
                  "Close without adding anything")  # fmt: skip
        self.buttons.accepted.connect(self._on_sign_in_clicked)
        self.buttons.rejected.connect(self.reject)

        top = QFormLayout()
        top.addRow("&Kind:", self.kind_box)
        top.addRow("&Name:", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.forms)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        if again is not None:
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(again.kind)))
            self.kind_box.setEnabled(False)
            self.name_edit.setText(again.name)
            self.name_edit.setReadOnly(True)
            self.form.lock_to(again)
        self._update_state()

    @property
    def form(self) -> KindForm:
        widget = self.forms.currentWidget()
        assert isinstance(widget, KindForm)
        return widget

    def _name(self) -> str:
        typed = self.name_edit.text().strip()
        if typed:
            return typed
        default = getattr(self.form, "default_name", None)
        return str(default()) if default else self.form.kind

    def _update_state(self) -> None:
        problem = self.form.problem()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
        self.status.setText(problem or "")

    def _on_sign_in_clicked(self) -> None:
        self._sign_in(session_only=False)

    def _sign_in(self, *, session_only: bool) -> None:
        name = self._name()
        if self._again is None and any(a.name == name for a in self._workspace.accounts()):
            self.status.setText(f"There is already an account named {name!r}; choose another name.")
            return
        self._set_busy(True)
        self._runner.run(
            self._obtain_and_sign_in(name, session_only),
            f"Checking the key with {self.form.account(name).url}",
            on_done=lambda _identity: self._on_accepted(name),
            on_error=self._on_refused,
        )

    async def _obtain_and_sign_in(self, name: str, session_only: bool) -> object:
        # Kept across the "session only?" question, so the browser is not asked twice.
        if self._obtained is None:
            self._obtained = await self.form.obtain_secret()
        return await self._workspace.sign_in(
            self.form.account(name), self._obtained, session_only=session_only
        )

    def _set_busy(self, busy: bool) -> None:
        self.forms.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not busy)
        if busy:
            self.status.setText(self.form.waiting_text())

    def _on_accepted(self, name: str) -> None:
        self.signed_in.emit(name)
        self.accept()

    def _on_refused(self, error: SatchelError) -> bool:
        self._set_busy(False)
        if not isinstance(error, NoKeyring):
            self._obtained = None  # a refused or failed secret is not tried again
        if isinstance(error, NoKeyring) and self.confirm_session_only(error.message):
            self._sign_in(session_only=True)
            return True
        self.status.setText(error.message)
        return True

    def _ask_session_only(self, message: str) -> bool:
        answer = ask(
            self,
            "No keyring",
            f"{message}\n\nKeep the secret for this session only? "
            "You will be asked for it again next time.",
        )
        return answer == QMessageBox.StandardButton.Yes
