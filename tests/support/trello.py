"""Trello in tests: the demo credentials, fresh tokens, and an HTTP client playing the browser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import SessionSecretStore
from satchel.domain.model import Account, Attachment
from satchel.sandbox.store import Store
from satchel.sandbox.trello.store import TrelloStore
from satchel.workspace import Workspace
from tests.support.sandbox import SandboxInfo


@dataclass(frozen=True)
class TrelloCredentials:
    key: str
    token: str

    @property
    def header(self) -> dict[str, str]:
        return {
            "Authorization": f'OAuth oauth_consumer_key="{self.key}", oauth_token="{self.token}"'
        }


def demo_credentials(sandbox: SandboxInfo) -> TrelloCredentials:
    said = sandbox.ready["trello"]
    return TrelloCredentials(said["key"], said["token"])


def fresh_token(
    sandbox: SandboxInfo,
    *,
    scope: str = "read,write",
    expiration: str = "1day",
    expires_at: datetime | None = None,
    tenant_id: str | None = None,
    key: str | None = None,
) -> TrelloCredentials:
    """A new token of the demo member (or of a member of `tenant_id`, made when missing),
    for the demo key (or `key`), made in the service's store (as an admin would)."""
    key = key or demo_credentials(sandbox).key
    with Store(sandbox.data_dir / "satchel.db") as store:
        trello = TrelloStore(store)
        members = trello.members()
        member = members[0]
        if tenant_id is not None:
            member = next((m for m in members if m.tenant_id == tenant_id), None) or (
                trello.create_member(tenant_id, f"tests{len(members)}", "Tests")
            )
        token = trello.create_token(
            key, member, app_name="tests", scope=scope, expiration=expiration
        )
        if expires_at is not None:
            trello.set_token_expiry(token, expires_at)
    return TrelloCredentials(key, token)


def new_app_key(sandbox: SandboxInfo, name: str = "tests") -> str:
    """A new application key, as a developer makes one on Trello: its own key budget."""
    with Store(sandbox.data_dir / "satchel.db") as store:
        return TrelloStore(store).create_app(name)


async def trello_workspace(sandbox: SandboxInfo, config: Path, name: str = "Trello") -> Workspace:
    """A workspace with a fresh token of the demo member signed in as `name`, for this run."""
    credentials = fresh_token(sandbox)
    space = Workspace(AccountStore(config), SessionSecretStore())
    account = Account(name, "trello", sandbox.base_url, {"key": credentials.key})
    await space.sign_in(account, credentials.token, remember=False)
    return space


async def hero_image(workspace: Workspace, account: str = "Trello") -> Attachment:
    """The demo board's "Homepage hero" image: an attachment with previews."""
    provider = workspace.provider(account)
    board = next(b for b in await provider.list_boards() if b.name == "Website Relaunch")
    backlog = next(x for x in await provider.list_lists(board.id) if x.name == "Backlog")
    card = next(c for c in await provider.list_cards(backlog.id) if c.name == "Homepage hero")
    return next(a for a in await provider.list_attachments(card.id) if a.previews)


class _FormReader(HTMLParser):
    """The first form of a page: its action, hidden fields and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, tuple[str, str]] = {}  # label -> (name, value)
        self._button: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and self.action is None:
            self.action = found.get("action", "")
        elif tag == "input" and found.get("type") == "hidden":
            self.fields[found["name"]] = found.get("value", "")
        elif tag == "button":
            self._button = (found.get("name", ""), found.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._button is not None and data.strip():
            self.buttons[data.strip()] = self._button
            self._button = None


def allow_origin(sandbox: SandboxInfo, origin: str) -> None:
    """Add an origin to the demo key's allowed origins, as its owner would on Trello."""
    with Store(sandbox.data_dir / "satchel.db") as store:
        TrelloStore(store).allow_origin(demo_credentials(sandbox).key, origin)


def allow_return_url(sandbox: SandboxInfo, authorize_url: str) -> None:
    """Allow the origin of the authorize URL's `return_url` (a port chosen at run time)."""
    return_url = parse_qs(urlsplit(authorize_url).query).get("return_url", [""])[0]
    if return_url:
        parts = urlsplit(return_url)
        allow_origin(sandbox, f"{parts.scheme}://{parts.netloc}")


async def press(
    browser: httpx.AsyncClient, authorize_url: str, label: str, sandbox: SandboxInfo | None = None
) -> httpx.Response:
    """Open the authorize page and press Allow or Deny, as a person would (with `sandbox`,
    the return_url's origin is allowed for the demo key first)."""
    if sandbox is not None:
        allow_return_url(sandbox, authorize_url)
    page = await browser.get(authorize_url)
    assert page.status_code == 200, page.text
    form = _FormReader()
    form.feed(page.text)
    assert form.action is not None and label in form.buttons, page.text
    name, value = form.buttons[label]
    return await browser.post(
        urljoin(str(page.url), form.action), data={**form.fields, name: value}
    )


async def deliver(browser: httpx.AsyncClient, location: str, **override: str) -> httpx.Response:
    """Follow Trello's redirect to the loopback page and do what its script does."""
    page = await browser.get(location)  # the fragment stays in the browser, as in a real one
    assert page.status_code == 200
    assert "location.hash" in page.text and "history.replaceState" in page.text
    parts = urlsplit(location)
    fragment = parse_qs(parts.fragment, keep_blank_values=True)
    answer = {
        "token": fragment.get("token", [""])[0],
        "error": fragment.get("error", [""])[0],
        "state": parse_qs(parts.query).get("state", [""])[0],
        **override,
    }
    origin = f"{parts.scheme}://{parts.netloc}"
    return await browser.post(origin + parts.path, json=answer, headers={"Origin": origin})
