"""Hostile paging in every dialect (respx, the real services' payload shapes): pages that
never end, cursors that come round again and pages that repeat themselves end in "the
service sent an answer Satchel cannot read", never a loop and never a silent half list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from satchel.domain.errors import MalformedResponse
from satchel.providers import bearer, productive, trello_pages
from satchel.providers.bearer import BearerProvider
from satchel.providers.pacing import Pacer
from satchel.providers.productive import ProductiveProvider
from satchel.providers.retries import RetryPolicy
from satchel.providers.trello import TrelloProvider
from tests.providers import trello_payloads as p

from .conftest import API as BEARER_API
from .conftest import API_KEY, BASE, TIMES

pytestmark = pytest.mark.asyncio
Answer = Callable[[httpx.Request, int], httpx.Response]
CAP = 5


async def _requests_until_unreadable(
    url: str, answer: Answer, said: str, read: Callable[[], Awaitable[object]]
) -> int:
    """How many requests `read()` made of `url`, answered by `answer`, before it gave up
    with "cannot read (... `said` ...)"."""
    asked: list[httpx.Request] = []

    def side_effect(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return answer(request, len(asked) - 1)

    with respx.mock(assert_all_mocked=True) as router:
        router.get(url).mock(side_effect=side_effect)
        with pytest.raises(MalformedResponse, match=f"cannot read .*{said}"):
            await read()
    return len(asked)


# --- Trello: GET /1/lists/{id}/cards, pages of `limit` cards older than `before` ------------


def _card_id(serial: int) -> str:
    """ObjectIds that count down, as Trello's newest-first pages do."""
    return f"5ef22a20{10**15 - serial:016x}"


def _cards(first: int, count: int) -> list[dict[str, Any]]:
    return [p.card(_card_id(n), f"card {n}", attachments=[]) for n in range(first, first + count)]


def _trello_endless(_request: httpx.Request, call: int) -> httpx.Response:
    return httpx.Response(200, json=_cards(call * 2, 2))  # always a full page of new cards


def _trello_ignores_before(_request: httpx.Request, _call: int) -> httpx.Response:
    return httpx.Response(200, json=_cards(0, 2))  # the first page, whatever `before` says


def _trello_same_before(_request: httpx.Request, call: int) -> httpx.Response:
    # Each page has a new card, and the same oldest one: `before` would never move.
    return httpx.Response(200, json=[*_cards(100 + call, 1), *_cards(10**6, 1)])


async def test_trello_pages_still_read_to_their_end() -> None:
    everything = _cards(0, 5)

    def answer(request: httpx.Request) -> httpx.Response:
        before = request.url.params.get("before")
        older = [c for c in everything if before is None or c["id"] < before]
        return httpx.Response(200, json=older[: int(request.url.params["limit"])])

    with respx.mock(base_url=p.API, assert_all_mocked=True) as router:
        route = router.get(f"/1/lists/{p.LIST_ID}/cards").mock(side_effect=answer)
        async with TrelloProvider(
            p.API, p.KEY, p.NEW_TOKEN, pacers=(Pacer(1000, 1.0),), page_size=2
        ) as provider:
            cards = await provider.list_cards(p.LIST_ID)
    assert [c.id for c in cards] == [c["id"] for c in everything]
    assert route.call_count == 3


# --- Productive: JSON:API pages by number (meta.total_pages) or by links.next ---------------

PRODUCTIVE_API = "https://api.productive.io/api/v2"


def _tasks(first: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": str(n),
            "type": "tasks",
            "attributes": {"title": f"Task {n}", "task_number": n, "closed": False},
        }
        for n in range(first, first + count)
    ]


def _productive_endless_links(request: httpx.Request, call: int) -> httpx.Response:
    following = f"{PRODUCTIVE_API}/tasks?page%5Bafter%5D=c{call + 1}&page%5Bsize%5D=200"
    body = {"data": _tasks(call * 2, 2), "meta": {}, "links": {"next": following}}
    return httpx.Response(200, json=body)


def _productive_endless_numbers(request: httpx.Request, call: int) -> httpx.Response:
    number = int(request.url.params["page[number]"])
    meta = {"current_page": number, "total_pages": 10**9, "total_count": 0, "page_size": 2}
    return httpx.Response(200, json={"data": _tasks(number * 2, 2), "meta": meta, "links": {}})


def _productive_circle(request: httpx.Request, call: int) -> httpx.Response:
    following = f"{PRODUCTIVE_API}/tasks?page%5Bafter%5D=c{call % 2}&page%5Bsize%5D=200"
    body = {"data": _tasks(call * 2, 2), "meta": {}, "links": {"next": following}}
    return httpx.Response(200, json=body)


def _productive_page_number_ignored(request: httpx.Request, _call: int) -> httpx.Response:
    meta = {"current_page": 1, "total_pages": 3, "total_count": 6, "page_size": 2}
    return httpx.Response(200, json={"data": _tasks(1, 2), "meta": meta, "links": {}})


# --- bearer: `next` cursors ------------------------------------------------------------------


def _bearer_board(n: int) -> dict[str, Any]:
    return {"id": f"b{n}", "name": f"Board {n}", **TIMES}


def _bearer_circle(_request: httpx.Request, call: int) -> httpx.Response:
    return httpx.Response(200, json={"data": [_bearer_board(call)], "next": f"c{call % 2}"})


def _bearer_ignores_cursor(_request: httpx.Request, _call: int) -> httpx.Response:
    return httpx.Response(200, json={"data": [_bearer_board(0)], "next": "again"})


async def _trello_cards() -> object:
    async with TrelloProvider(
        p.API, p.KEY, p.NEW_TOKEN, pacers=(Pacer(1000, 1.0),), page_size=2
    ) as provider:
        return await provider.list_cards(p.LIST_ID)


async def _productive_tasks() -> object:
    async with ProductiveProvider(
        "https://api.productive.io",
        "f80b89b3-16ab-4958-afdc-6979a4eb2207",
        "12345",
        pacers=(Pacer(1000, 1.0),),
        backoff=RetryPolicy(max_attempts=1),
    ) as provider:
        return await provider.list_cards("4")


async def _bearer_boards() -> object:
    async with BearerProvider(BASE, API_KEY) as provider:
        return await provider.list_boards()


#: dialect -> (its module, with MAX_PAGES; the listing's URL; a call that reads it)
DIALECTS: dict[str, tuple[Any, str, Callable[[], Awaitable[object]]]] = {
    "trello": (trello_pages, f"{p.API}/1/lists/{p.LIST_ID}/cards", _trello_cards),
    "productive": (productive, f"{PRODUCTIVE_API}/tasks", _productive_tasks),
    "bearer": (bearer, f"{BEARER_API}/boards", _bearer_boards),
}


@pytest.mark.parametrize(
    ("dialect", "answer", "said", "calls"),
    [
        ("trello", _trello_endless, f"more than {CAP} pages", CAP + 1),
        ("trello", _trello_ignores_before, "repeats an earlier one", 2),
        ("trello", _trello_same_before, "go round in a circle", 2),
        ("productive", _productive_endless_links, f"more than {CAP} pages", CAP + 1),
        ("productive", _productive_endless_numbers, f"more than {CAP} pages", CAP + 1),
        ("productive", _productive_circle, "go round in a circle", 3),
        ("productive", _productive_page_number_ignored, "repeats an earlier one", 2),
        ("bearer", _bearer_circle, "go round in a circle", 3),
        ("bearer", _bearer_ignores_cursor, "repeats an earlier one", 2),
    ],
    ids=[
        *("trello-endless", "trello-before-ignored", "trello-before-repeated"),
        *("productive-endless-links", "productive-endless-numbers", "productive-links-circle"),
        *("productive-page-number-ignored", "bearer-cursor-circle", "bearer-cursor-ignored"),
    ],
)
async def test_hostile_pages_end_unreadable(
    dialect: str, answer: Answer, said: str, calls: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, url, read = DIALECTS[dialect]
    monkeypatch.setattr(module, "MAX_PAGES", CAP)
    assert await _requests_until_unreadable(url, answer, said, read) == calls
