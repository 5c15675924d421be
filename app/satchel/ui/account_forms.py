"""The fields each kind of service needs in the account dialog."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from satchel.domain.addresses import service_address_problem
from satchel.domain.model import Account


def secret_edit(placeholder: str = "") -> QLineEdit:
    """A field for a key or token: masked, and kept out of input methods' memory."""
    edit = QLineEdit(placeholderText=placeholder, echoMode=QLineEdit.EchoMode.Password)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData)
    return edit


def hint_label(text: str) -> QLabel:
    """A greyed note under a form's fields: where to find what it asks for."""
    hint = QLabel(text)
    hint.setWordWrap(True)
    hint.setEnabled(False)
    return hint


def form_layout(form: QWidget) -> QFormLayout:
    """The form's layout, flush with the dialog around it."""
    layout = QFormLayout(form)
    layout.setContentsMargins(0, 0, 0, 0)
    return layout


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

    async def obtain_secret(self) -> str:
        """The secret, typed here or fetched (Trello: through the browser)."""
        return self.secret()

    def waiting_text(self) -> str:
        return "Checking with the service…"


class BearerForm(KindForm):
    kind = "bearer"
    title = "API key (bearer)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url_edit = QLineEdit(placeholderText="https://service.example.com")
        self.key_edit = secret_edit("ixk_…")
        hint = hint_label(
            "Make a key in the service's Settings → API. It is kept in your OS keyring."
        )
        layout = form_layout(self)
        layout.addRow("Service &URL:", self.url_edit)
        layout.addRow("API &key:", self.key_edit)
        layout.addRow(hint)
        self.url_edit.textChanged.connect(self.changed)
        self.key_edit.textChanged.connect(self.changed)

    def problem(self) -> str | None:
        address = self.url_edit.text().strip()
        if not address:
            return "Enter the service's address, starting with https://"
        problem = service_address_problem(address)
        if problem is not None:
            return problem
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
