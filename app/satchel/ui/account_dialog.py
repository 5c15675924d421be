"""Add an account, or sign in to one again: the secret is checked before anything is kept.

Each kind of service has its own small form (`KindForm`); Trello's browser
authorization and Productive's token + organization slot in as further forms.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
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

from satchel.auth.accounts import Account
from satchel.domain.errors import NoKeyring, SatchelError
from satchel.models.tasks import TaskRunner
from satchel.workspace import Workspace


class KindForm(QWidget):
    """The fields one kind of service needs. `changed` fires on every edit."""

    kind = ""
    title = ""
    changed = Signal()

    def problem(self) -> str | None:
        """What is missing or wrong, in words; None when the form is complete."""
        raise NotImplementedError

    def account(self, name: str) -> Account:
        raise NotImplementedError

    def secret(self) -> str:
        raise NotImplementedError

    def lock_to(self, account: Account) -> None:
        """Signing in again: only the secret may change."""
        raise NotImplementedError


class BearerForm(KindForm):
    kind = "bearer"
    title = "API key (bearer)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url_edit = QLineEdit(placeholderText="https://service.example.com")
        self.key_edit = QLineEdit(placeholderText="ixk_…", echoMode=QLineEdit.EchoMode.Password)
        self.key_edit.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData)
        hint = QLabel("Make a key in the service's Settings → API. It is kept in your OS keyring.")
        hint.setWordWrap(True)
        hint.setEnabled(False)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("Service &URL:", self.url_edit)
        layout.addRow("API &key:", self.key_edit)
        layout.addRow(hint)
        self.url_edit.textChanged.connect(self.changed)
        self.key_edit.textChanged.connect(self.changed)

    def problem(self) -> str | None:
        parts = urlsplit(self.url_edit.text().strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return "Enter the service's address, starting with https://"
        if not self.key_edit.text().strip():
            return "Paste the API key."
        return None

    def account(self, name: str) -> Account:
        return Account(name=name, kind=self.kind, url=self.url_edit.text().strip().rstrip("/"))

    def secret(self) -> str:
        return self.key_edit.text().strip()

    def lock_to(self, account: Account) -> None:
        self.url_edit.setText(account.url)
        self.url_edit.setReadOnly(True)
        self.key_edit.setFocus()

    def default_name(self) -> str:
        return urlsplit(self.url_edit.text().strip()).netloc


FORMS: list[type[KindForm]] = [BearerForm]


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
        self.name_edit = QLineEdit(placeholderText="(the service's host name)")
        self.status = QLabel(wordWrap=True)
        self.status.setObjectName("accountDialogStatus")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
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
        work = self._workspace.sign_in(
            self.form.account(name), self.form.secret(), session_only=session_only
        )
        self._runner.run(
            work,
            f"Checking the key with {self.form.account(name).url}",
            on_done=lambda _identity: self._on_accepted(name),
            on_error=self._on_refused,
        )

    def _set_busy(self, busy: bool) -> None:
        self.forms.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not busy)
        if busy:
            self.status.setText("Checking with the service…")

    def _on_accepted(self, name: str) -> None:
        self.signed_in.emit(name)
        self.accept()

    def _on_refused(self, error: SatchelError) -> bool:
        self._set_busy(False)
        if isinstance(error, NoKeyring) and self.confirm_session_only(error.message):
            self._sign_in(session_only=True)
            return True
        self.status.setText(error.message)
        return True

    def _ask_session_only(self, message: str) -> bool:
        answer = QMessageBox.question(
            self,
            "No keyring",
            f"{message}\n\nKeep the secret for this session only? "
            "You will be asked for it again next time.",
        )
        return answer == QMessageBox.StandardButton.Yes
