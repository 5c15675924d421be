"""TrelloProvider against the real API's documented payloads (respx): credentials and the tree."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import respx

from satchel import log
from satchel.providers.pacing import Pacer
from satchel.providers.retries import RetryPolicy
from satchel.providers.trello import TrelloProvider
from satchel.providers.trello_wire import smallest_preview
from tests.providers import trello_payloads as p

pytestmark = pytest.mark.asyncio


@pytest.fixture
def trello() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=p.API, assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def provider(token: str = p.NEW_TOKEN, **options: object) -> TrelloProvider:
    return TrelloProvider(
        p.API,
        p.KEY,
        token,
        pacers=(Pacer(1000, 1.0),),
        backoff=RetryPolicy(base_delay=0.01),
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("token", [p.LEGACY_TOKEN, p.NEW_TOKEN], ids=["legacy-64-hex", "ATTA-76"])
async def test_both_token_shapes_travel_only_in_the_oauth_header(
    trello: respx.MockRouter, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    me = trello.get("/1/members/me").respond(json=p.MEMBER)
    info = trello.get(f"/1/tokens/{token}").respond(json=p.token_info())
    caplog.set_level(logging.DEBUG, logger="satchel")
    async with provider(token) as trello_provider:
        identity = await trello_provider.whoami()
    assert identity.id == p.MEMBER_ID and identity.name == "Trello Workspace"
    assert identity.scope == "read,write" and identity.can_write
    assert identity.expires_at == datetime(2030, 2, 1, 12, tzinfo=UTC)
    request = me.calls.last.request
    assert request.headers["authorization"] == (
        f'OAuth oauth_consumer_key="{p.KEY}", oauth_token="{token}"'
    )
    assert not request.url.params and p.KEY not in str(request.url)
    assert info.called
    assert "/1/tokens/***" in caplog.text  # Satchel logged the request, not the token
    assert token not in caplog.text and p.KEY not in caplog.text
    assert token not in log.redact(f"GET /1/tokens/{token} and {token}")


async def test_a_token_without_expiry_or_write(trello: respx.MockRouter) -> None:
    trello.get("/1/members/me").respond(json=p.MEMBER)
    trello.get(f"/1/tokens/{p.NEW_TOKEN}").respond(json=p.token_info(expires=None, write=False))
    async with provider() as trello_provider:
        identity = await trello_provider.whoami()
        info = await trello_provider.token_info()
    assert identity.expires_at is None and not identity.can_write
    assert info.scope == "read" and info.app_name == "Satchel"


async def test_closed_boards_lists_and_cards_hide_unless_asked(trello: respx.MockRouter) -> None:
    trello.get("/1/members/me/boards").respond(
        json=[p.board(), p.board(p.CLOSED_BOARD_ID, "Old plans", closed=True)]
    )
    trello.get(f"/1/boards/{p.BOARD_ID}/lists").respond(
        json=[p.board_list(), p.board_list(p.CLOSED_LIST_ID, "Archive", closed=True)]
    )
    trello.get(f"/1/boards/{p.BOARD_ID}/cards").respond(
        json=[p.card(attachments=[]), p.card(p.ARCHIVED_CARD_ID, "Gone", True, attachments=[])]
    )
    async with provider() as trello_provider:
        assert [b.name for b in await trello_provider.list_boards()] == ["Trello Development"]
        assert [x.name for x in await trello_provider.list_lists(p.BOARD_ID)] == ["To Do"]
        assert [c.name for c in await trello_provider.list_cards(p.LIST_ID)] == ["Screenshots"]
        trello_provider.show_closed = True
        boards = await trello_provider.list_boards()
        assert [b.closed for b in boards] == [False, True]
        assert len(await trello_provider.list_lists(p.BOARD_ID)) == 2
        assert len(await trello_provider.list_cards(p.LIST_ID)) == 2
    assert boards[0].created_at == datetime.fromtimestamp(0x4D5EA62F, UTC)  # from the ObjectId


async def test_a_board_brings_cards_and_attachments_in_one_request(
    trello: respx.MockRouter,
) -> None:
    trello.get(f"/1/boards/{p.BOARD_ID}/lists").respond(json=[p.board_list()])
    cards = trello.get(f"/1/boards/{p.BOARD_ID}/cards").respond(
        json=[p.card(attachments=[p.file_attachment(), p.link_attachment()])]
    )
    card_attachments = trello.get(f"/1/cards/{p.CARD_ID}/attachments")
    async with provider() as trello_provider:
        await trello_provider.list_lists(p.BOARD_ID)
        (card,) = await trello_provider.list_cards(p.LIST_ID)
        upload, link = await trello_provider.list_attachments(card.id)
    assert cards.calls.last.request.url.params["attachments"] == "true"
    params = cards.calls.last.request.url.params
    assert params["filter"] == "visible"  # archived cards only when closed items show
    assert params["limit"] == "1000" and "before" not in params
    assert set(params["fields"].split(",")) >= {"id", "name", "idList", "closed"}
    assert "previews" in params["attachment_fields"].split(",")
    assert not card_attachments.called

    assert upload.card_id == p.CARD_ID and upload.size == 91203
    assert upload.file_name == p.FILE_NAME  # not the user-editable name
    assert upload.name == "Screen Shot 2020-06-23 at 11.13.18 AM.png"
    assert upload.download_url == f"https://trello.com{p.DOWNLOAD_PATH}"
    assert [(x.id, x.width, x.height, x.size) for x in upload.previews] == [
        (p.PREVIEW_SMALL, 70, 50, 4583),
        (p.PREVIEW_LARGE, 1200, 800, 91203),
    ]
    assert smallest_preview(upload, 64, 64) == upload.previews[0]
    assert smallest_preview(upload, 256, 256) == upload.previews[1]
    assert link.is_link and link.link_url == "https://docs.example.com/spec"
    assert link.size is None and link.file_name is None and link.content_type == "text/uri-list"


async def test_a_card_without_a_board_asks_for_its_attachments(
    trello: respx.MockRouter,
) -> None:
    legacy = {**p.file_attachment(), "fileName": None, "previews": []}
    trello.get(f"/1/lists/{p.LIST_ID}/cards").respond(json=[p.card()])
    asked = trello.get(f"/1/cards/{p.CARD_ID}/attachments").respond(json=[legacy])
    async with provider() as trello_provider:
        (card,) = await trello_provider.list_cards(p.LIST_ID)
        (attachment,) = await trello_provider.list_attachments(card.id)
        await trello_provider.list_attachments(card.id)
        trello_provider.forget(card)
        await trello_provider.list_attachments(card.id)
    assert asked.call_count == 2  # cached once, then asked again after forget()
    assert attachment.file_name == p.FILE_NAME  # parsed out of the /download/ URL


async def test_malformed_answers_are_malformed(trello: respx.MockRouter) -> None:
    from satchel.domain.errors import MalformedResponse

    trello.get("/1/members/me/boards").respond(json={"not": "a list"})
    trello.get(f"/1/cards/{p.CARD_ID}/attachments").respond(
        json=[{**p.link_attachment(), "url": None}]
    )
    async with provider() as trello_provider:
        with pytest.raises(MalformedResponse):
            await trello_provider.list_boards()
        with pytest.raises(MalformedResponse, match="link attachment"):
            await trello_provider.list_attachments(p.CARD_ID)


async def test_a_token_route_that_refuses_does_not_block_sign_in(
    trello: respx.MockRouter,
) -> None:
    trello.get("/1/members/me").respond(json=p.MEMBER)
    trello.get(f"/1/tokens/{p.NEW_TOKEN}").respond(401, text="unauthorized permission requested")
    async with provider() as trello_provider:
        identity = await trello_provider.whoami()
    assert identity.id == p.MEMBER_ID
    assert identity.expires_at is None and identity.scope == "read,write"


def object_id(seconds: int, serial: int) -> str:
    """A Mongo ObjectId made `seconds` after the board began (its first 4 bytes)."""
    return f"{BOARD_START + seconds:08x}{serial:016x}"


BOARD_START = int(p.BOARD_ID[:8], 16)


async def test_a_big_board_comes_in_pages_with_an_estimate(trello: respx.MockRouter) -> None:
    # 2,500 open cards, one a minute since the board began, newest first as Trello pages.
    everything = [
        p.card(object_id(60 * (n + 1), n), f"card {n}", attachments=[])
        for n in reversed(range(2500))
    ]

    def page(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        limit = int(params["limit"])
        before = params.get("before")
        older = [c for c in everything if before is None or c["id"] < before]
        return httpx.Response(200, json=older[:limit])

    trello.get(f"/1/boards/{p.BOARD_ID}/lists").respond(json=[p.board_list()])
    cards = trello.get(f"/1/boards/{p.BOARD_ID}/cards").mock(side_effect=page)
    counts: list[tuple[int, int | None]] = []
    async with provider(page_size=1000) as trello_provider:
        await trello_provider.list_lists(p.BOARD_ID, progress=lambda *c: counts.append(c))
        listed = await trello_provider.list_cards(p.LIST_ID)
    assert len(listed) == 2500 and len({c.id for c in listed}) == 2500
    assert cards.call_count == 3
    befores = [call.request.url.params.get("before") for call in cards.calls]
    assert befores == [None, everything[999]["id"], everything[1999]["id"]]
    assert counts[0] == (1000, 2500) and counts[1][0] == 2000 and counts[-1] == (2500, 2500)


async def test_archived_cards_only_when_closed_items_show(trello: respx.MockRouter) -> None:
    trello.get(f"/1/boards/{p.BOARD_ID}/lists").respond(json=[p.board_list()])
    cards = trello.get(f"/1/boards/{p.BOARD_ID}/cards").respond(json=[])
    async with provider(show_closed=True) as trello_provider:
        await trello_provider.list_lists(p.BOARD_ID)
    assert cards.calls.last.request.url.params["filter"] == "all"
