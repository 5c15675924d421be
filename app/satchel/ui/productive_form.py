"""The account dialog's Productive form: the API token and the organization id."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtWidgets import QLineEdit, QWidget

from satchel.domain.addresses import service_address_problem
from satchel.domain.model import Account
from satchel.ui.accessible import described
from satchel.ui.account_forms import KindForm, form_layout, hint_label, secret_edit
from satchel.workspace.kinds import ORGANIZATION_OPTION

PRODUCTIVE_API = "https://api.productive.io"


class ProductiveForm(KindForm):
    kind = "productive"
    title = "Productive"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._options: dict[str, str] = {}
        self.url_edit = QLineEdit(PRODUCTIVE_API)
        self.organization_edit = QLineEdit(placeholderText="e.g. 12345")
        self.token_edit = secret_edit()
        hint = hint_label(
            "Make an API token in Productive under Settings → API integrations; the "
            "organization id is shown there too. The token is kept in your OS keyring."
        )
        described(self.url_edit, "API address", "Productive's API, or the local service's")
        described(self.token_edit, "API token", "Made in Productive; kept in your OS keyring")
        layout = form_layout(self)
        layout.addRow("API &address:", self.url_edit)
        layout.addRow("&Organization id:", self.organization_edit)
        layout.addRow("API &token:", self.token_edit)
        layout.addRow(hint)
        for edit in (self.url_edit, self.organization_edit, self.token_edit):
            edit.textChanged.connect(self.changed)

    def problem(self) -> str | None:
        parts = urlsplit(self.url_edit.text().strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return f"Enter Productive's API address ({PRODUCTIVE_API})."
        if problem := service_address_problem(self.url_edit.text()):
            return problem
        if not self.organization_edit.text().strip().isdigit():
            return "Enter the organization id: a number, shown under Settings → API integrations."
        if not self.token_edit.text().strip():
            return "Paste the API token from Settings → API integrations."
        return None

    def account(self, name: str) -> Account:
        options = {**self._options, ORGANIZATION_OPTION: self.organization_edit.text().strip()}
        url = self.url_edit.text().strip().rstrip("/")
        return Account(name=name, kind=self.kind, url=url, options=options)

    def secret(self) -> str:
        return self.token_edit.text().strip()

    def lock_to(self, account: Account) -> None:
        self._options = dict(account.options)  # the storage and app hosts stay as they were
        self.url_edit.setText(account.url)
        self.organization_edit.setText(account.options.get(ORGANIZATION_OPTION, ""))
        self.url_edit.setReadOnly(True)
        self.organization_edit.setReadOnly(True)
        self.token_edit.setFocus()

    def default_name(self) -> str:
        return f"productive-{self.organization_edit.text().strip()}"
