"""py-trello, a widely used Trello client from PyPI, unmodified, against the local dialect.

py-trello always talks to https://api.trello.com/1 and signs with OAuth 1 (key and
token in the header); its own `http_service` hook takes a requests session, whose
transport adapter here sends each request to the local service instead. What it
parses must be what the dialect stored.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter
from trello import TrelloClient  # type: ignore[import-untyped]

from satchel.sandbox.records import Attachment
from satchel.sandbox.store import Store
from satchel.sandbox.trello.ids import TrelloIds
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import ModuleTenant
from tests.support.trello import fresh_token

TRELLO_API = "https://api.trello.com"


class ToTheLocalService(HTTPAdapter):
    """Sends what py-trello addresses to api.trello.com to the local service."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.seen: list[str] = []

    def send(self, request: requests.PreparedRequest, **options: Any) -> requests.Response:
        assert request.url is not None and request.url.startswith(TRELLO_API)
        request.url = self.base_url + request.url.removeprefix(TRELLO_API)
        self.seen.append(f"{request.method} {urlsplit(request.url).path}")
        return super().send(request, **options)


@pytest.fixture
def py_trello(
    sandbox: SandboxInfo, trello_tenant: ModuleTenant
) -> tuple[TrelloClient, ToTheLocalService]:
    # A member of this module's own copy of the demo tenant: its uploads change no other's.
    credentials = fresh_token(sandbox, tenant_id=trello_tenant.id)
    session = requests.Session()
    adapter = ToTheLocalService(sandbox.base_url)
    session.mount(TRELLO_API, adapter)
    client = TrelloClient(api_key=credentials.key, token=credentials.token, http_service=session)
    return client, adapter


def stored(sandbox: SandboxInfo, tenant: ModuleTenant, card_oid: str) -> dict[str, Attachment]:
    """The card's attachments as the store holds them, by their Trello ids."""
    with Store(sandbox.data_dir / "satchel.db") as store:
        ids = TrelloIds(store)
        card_id = ids.into(card_oid)
        records = store.card_attachments(tenant.id, card_id, limit=1000).items
        return {ids.out(a.id, a.created_at): a for a in records}


def test_py_trello_reads_the_tree_as_stored(
    sandbox: SandboxInfo,
    trello_tenant: ModuleTenant,
    py_trello: tuple[TrelloClient, ToTheLocalService],
) -> None:
    client, adapter = py_trello
    boards = {board.name: board for board in client.list_boards()}
    assert "GET /1/members/me/boards/" in adapter.seen  # its trailing slash is taken
    board = boards["Website Relaunch"]
    assert len(board.id) == 24 and board.closed is False
    lists = {board_list.name: board_list for board_list in board.list_lists()}
    assert list(lists) == ["Backlog", "In progress", "Done"]
    cards = {card.name: card for card in lists["Backlog"].list_cards()}
    assert "Navigation ideas" not in cards  # archived, and py-trello asked for open ones
    hero = cards["Homepage hero"]
    assert hero.idList == lists["Backlog"].id and hero.idBoard == board.id
    assert hero.badges["attachments"] == 3 and hero.shortUrl.endswith(
        "/c/" + hero._json_obj["shortLink"]
    )

    parsed = {a.id: a for a in hero.get_attachments()}
    records = stored(sandbox, trello_tenant, hero.id)
    assert set(parsed) == set(records)
    for attachment_id, record in records.items():
        got = parsed[attachment_id]
        assert got.name == record.name
        assert got.bytes == record.size
        assert got.is_upload is (record.kind == "file")
        if record.kind == "file":
            assert got.mime_type == record.content_type
            web = sandbox.ready["trello"]["web_url"]
            assert got.url.startswith(web + "/1/cards/" + hero.id)  # the web host's own origin
        else:
            assert got.url == record.url
    image = next(a for a in parsed.values() if a.mime_type == "image/png")
    assert image.previews and image.previews[0].width > 0


def test_py_trello_uploads_a_file_and_a_link_then_deletes(
    sandbox: SandboxInfo,
    trello_tenant: ModuleTenant,
    py_trello: tuple[TrelloClient, ToTheLocalService],
) -> None:
    client, _adapter = py_trello
    board = next(b for b in client.list_boards() if b.name == "Website Relaunch")
    board_list = next(x for x in board.list_lists() if x.name == "Done")
    card = next(c for c in board_list.list_cards() if c.name == "Pick a domain")

    body = b"domain shortlist\n" * 100
    uploaded = card.attach(name="short list.txt", mimeType="text/plain", file=io.BytesIO(body))
    linked = card.attach(name="Registrar", url="https://registrar.example/search")
    assert uploaded["isUpload"] is True and uploaded["bytes"] == len(body)
    assert uploaded["name"] == "short list.txt" and uploaded["fileName"] == "short_list.txt"
    assert linked["isUpload"] is False and linked["url"] == "https://registrar.example/search"

    records = stored(sandbox, trello_tenant, card.id)
    assert records[uploaded["id"]].size == len(body)
    assert records[uploaded["id"]].content_type == "text/plain"
    assert records[linked["id"]].name == "Registrar"

    card.remove_attachment(uploaded["id"])
    card.remove_attachment(linked["id"])
    remaining = {a.id for a in card.get_attachments()}
    assert not {uploaded["id"], linked["id"]} & remaining
    assert not {uploaded["id"], linked["id"]} & set(stored(sandbox, trello_tenant, card.id))
