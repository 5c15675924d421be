"""The fields each kind of service needs in the account dialog."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from satchel.domain.addresses import service_address_problem
from satchel.domain.model import Account


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
