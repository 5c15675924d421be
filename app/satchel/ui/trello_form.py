"""Trello's part of the account dialog: an application key, then the browser or a pasted token."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from satchel.auth.trello_authorize import (
    DEFAULT_EXPIRATION,
    DEFAULT_PORT,
    EXPIRATIONS,
    TRELLO_API,
    allowed_origin,
    authorize,
    paste_url,
    read_pasted_token,
)
from satchel.domain.addresses import service_address_problem
from satchel.domain.model import Account
from satchel.domain.plans import TRELLO_FREE_UPLOAD_LIMIT, TRELLO_PAID_UPLOAD_LIMIT
from satchel.domain.units import human_limit
from satchel.ui.accessible import described
from satchel.ui.account_forms import KindForm, form_layout, secret_edit
from satchel.workspace.kinds import TRELLO_KEY_OPTION, UPLOAD_LIMIT_OPTION, trello_account

#: The plans, as the window offers them, with the largest file each takes.
_PLANS = (
    (f"Paid (files up to {human_limit(TRELLO_PAID_UPLOAD_LIMIT)})", TRELLO_PAID_UPLOAD_LIMIT),
    (f"Free (files up to {human_limit(TRELLO_FREE_UPLOAD_LIMIT)})", TRELLO_FREE_UPLOAD_LIMIT),
)
_EXPIRATION_WORDS = {"1hour": "1 hour", "1day": "1 day", "30days": "30 days", "never": "never"}


class TrelloForm(KindForm):
    kind = "trello"
    title = "Trello (browser sign-in)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: Opens the authorize page; tests replace it (the page is then "visited" by a client).
        self.open_browser: Callable[[str], object] = lambda url: QDesktopServices.openUrl(QUrl(url))
        self.url_edit = QLineEdit(TRELLO_API)
        self.key_edit = QLineEdit(placeholderText="32 hex characters")
        self.expiration_box = QComboBox()
        for value in EXPIRATIONS:
            self.expiration_box.addItem(_EXPIRATION_WORDS[value], value)
        self.expiration_box.setCurrentIndex(EXPIRATIONS.index(DEFAULT_EXPIRATION))
        self.plan_box = QComboBox()
        for words, limit in _PLANS:
            self.plan_box.addItem(words, limit)
        self.plan_box.setToolTip(
            "Trello's API does not say a workspace's plan: Satchel refuses larger files before "
            "sending them."
        )
        self.port_box = QSpinBox(minimum=1024, maximum=65535, value=DEFAULT_PORT)
        self.origin_hint = QLabel(wordWrap=True)
        self.origin_hint.setOpenExternalLinks(True)
        self.paste_box = QCheckBox("Paste the token instead of the browser coming back")
        self.token_edit = secret_edit("the token Trello shows after Allow")
        self.token_page_button = QPushButton("Open the Token Page")
        described(self.url_edit, "API URL", "Trello's API, or the local service's address")
        described(self.expiration_box, "Access expires after", "How long the token works")
        described(self.paste_box, "Paste the token", "Type or paste the token Trello shows, "
                  "for when the browser cannot come back to Satchel")  # fmt: skip
        described(self.token_page_button, "Open the token page",
                  "Open Trello's page that shows a token to paste")  # fmt: skip
        layout = form_layout(self)
        layout.addRow("API &URL:", self.url_edit)
        layout.addRow("Application &key:", self.key_edit)
        layout.addRow("Access &expires after:", self.expiration_box)
        layout.addRow("Workspace p&lan:", self.plan_box)
        layout.addRow("Loopback &port:", self.port_box)
        layout.addRow(self.origin_hint)
        layout.addRow(self.paste_box)
        layout.addRow("&Token:", self.token_edit)
        layout.addRow(self.token_page_button)
        for edit in (self.url_edit, self.key_edit, self.token_edit):
            edit.textChanged.connect(self._on_edited)
        self.port_box.valueChanged.connect(self._on_edited)
        self.paste_box.toggled.connect(self._on_edited)
        self.token_page_button.clicked.connect(self._on_token_page_button_clicked)
        self._on_edited()

    def _on_edited(self) -> None:
        pasting = self.paste_box.isChecked()
        self.token_edit.setVisible(pasting)
        self.token_page_button.setVisible(pasting)
        self.port_box.setEnabled(not pasting)
        self.origin_hint.setText(
            "Make a key at <a href='https://trello.com/power-ups/admin'>trello.com/power-ups/"
            f"admin</a> and add <b>{allowed_origin(self.port_box.value())}</b> to its allowed "
            "origins. Satchel opens Trello in your browser; after Allow it comes back here."
        )
        self.changed.emit()

    def _on_token_page_button_clicked(self) -> None:
        key = self.key_edit.text().strip()
        if key:
            self.open_browser(paste_url(key, api_url=self._api_url(), expiration=self._expiry()))

    def _api_url(self) -> str:
        return self.url_edit.text().strip().rstrip("/")

    def _expiry(self) -> str:
        return str(self.expiration_box.currentData())

    def problem(self) -> str | None:
        if not self._api_url().startswith(("https://", "http://")):
            return "Enter Trello's API address (https://api.trello.com)."
        problem = service_address_problem(self._api_url())
        if problem is not None:
            return problem
        if not self.key_edit.text().strip():
            return "Paste your application key."
        if self.paste_box.isChecked() and not self.token_edit.text().strip():
            return "Paste the token Trello showed you."
        return None

    def account(self, name: str) -> Account:
        key, limit = self.key_edit.text(), int(self.plan_box.currentData())
        return trello_account(name, self._api_url(), key, limit)

    def secret(self) -> str:
        return read_pasted_token(self.token_edit.text())

    async def obtain_secret(self) -> str:
        if self.paste_box.isChecked():
            return self.secret()
        return await authorize(
            self.key_edit.text().strip(),
            open_browser=self.open_browser,
            api_url=self._api_url(),
            port=self.port_box.value(),
            expiration=self._expiry(),
        )

    def waiting_text(self) -> str:
        if self.paste_box.isChecked():
            return "Checking the token with Trello…"
        return "Waiting for you to choose Allow in the browser…"

    def lock_to(self, account: Account) -> None:
        self.url_edit.setText(account.url)
        self.url_edit.setReadOnly(True)
        self.key_edit.setText(account.options.get(TRELLO_KEY_OPTION, ""))
        limit = account.options.get(UPLOAD_LIMIT_OPTION, "")
        found = self.plan_box.findData(int(limit)) if limit.isdigit() else -1
        if found >= 0:
            self.plan_box.setCurrentIndex(found)

    def default_name(self) -> str:
        return "Trello"
