"""Trello's refusals as the real service words them (respx): plain-text 401s, 429 JSON."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from satchel.domain.errors import (
    NetworkError,
    NotFound,
    RateLimited,
    SignInRequired,
    TooLarge,
)
from satchel.providers.pacing import Pacer
from satchel.providers.retries import RetryPolicy
from satchel.providers.trello import TrelloProvider
from tests.providers import trello_payloads as p

pytestmark = pytest.mark.asyncio

RATE_LIMITED = {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}


class RecordingPacer(Pacer):
    def __init__(self) -> None:
        super().__init__(1000, 1.0)
        self.held: list[float] = []
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1
        await super().acquire()

    def hold_off(self, seconds: float) -> None:
        self.held.append(seconds)


@pytest.fixture
def trello() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=p.API, assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def provider(pacer: Pacer | None = None, retries: int = 2) -> TrelloProvider:
    return TrelloProvider(
        p.API,
        p.KEY,
        p.NEW_TOKEN,
        pacers=(pacer or Pacer(1000, 1.0),),
        backoff=RetryPolicy(max_attempts=retries + 1, base_delay=0.01),
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("invalid token", "revoked or is not valid"),
        ("expired token", "expired"),
        ("unauthorized permission requested", "may not do that"),
        ("invalid key", "application key"),
        ("something new", "no longer accepts"),
    ],
)
async def test_plain_text_401s_mean_sign_in_again(
    trello: respx.MockRouter, body: str, words: str
) -> None:
    trello.get("/1/members/me/boards").respond(401, text=body)
    async with provider() as trello_provider:
        with pytest.raises(SignInRequired, match=words) as failure:
            await trello_provider.list_boards()
    assert failure.value.detail == body
    assert failure.value.exit_code == 3


async def test_a_429_backs_off_and_tries_again(trello: respx.MockRouter) -> None:
    route = trello.get("/1/members/me/boards")
    route.side_effect = [httpx.Response(429, json=RATE_LIMITED), httpx.Response(200, json=[])]
    pacer = RecordingPacer()
    async with provider(pacer) as trello_provider:
        assert await trello_provider.list_boards() == []
    assert route.call_count == 2
    assert pacer.acquired == 2 and len(pacer.held) == 1  # everyone waits after a 429


async def test_429s_that_do_not_stop_become_rate_limited(trello: respx.MockRouter) -> None:
    route = trello.get("/1/members/me/boards").respond(429, json=RATE_LIMITED)
    async with provider(retries=2) as trello_provider:
        with pytest.raises(RateLimited, match="slow down") as failure:
            await trello_provider.list_boards()
    assert route.call_count == 3
    assert failure.value.retryable
    assert failure.value.detail is not None and "Rate limit exceeded" in failure.value.detail


async def test_a_retry_after_header_is_honoured(trello: respx.MockRouter) -> None:
    route = trello.get("/1/members/me/boards")
    route.side_effect = [
        httpx.Response(429, json=RATE_LIMITED, headers={"Retry-After": "0"}),
        httpx.Response(200, json=[]),
    ]
    pacer = RecordingPacer()
    async with provider(pacer) as trello_provider:
        await trello_provider.list_boards()
    assert pacer.held == [0.0]


async def test_other_refusals(trello: respx.MockRouter) -> None:
    trello.get(f"/1/boards/{p.BOARD_ID}/lists").respond(400, text="invalid id")
    trello.get(f"/1/boards/{p.BOARD_ID}/cards").respond(200, json=[])
    trello.get(f"/1/lists/{p.LIST_ID}/cards").respond(
        404, text="The requested resource was not found."
    )
    trello.get(f"/1/cards/{p.CARD_ID}/attachments").mock(side_effect=httpx.ConnectError("down"))
    async with provider() as trello_provider:
        with pytest.raises(NotFound):
            await trello_provider.list_lists(p.BOARD_ID)
        with pytest.raises(NotFound, match="Refresh"):
            await trello_provider.list_cards(p.LIST_ID)
        with pytest.raises(NetworkError, match="Trello"):
            await trello_provider.list_attachments(p.CARD_ID)


async def test_a_file_too_large_for_the_plan(trello: respx.MockRouter, tmp_path: Path) -> None:
    trello.post(f"/1/cards/{p.CARD_ID}/attachments").respond(413, text="request entity too large")
    source = tmp_path / "big.bin"
    source.write_bytes(b"x" * 1000)
    async with provider() as trello_provider:
        with pytest.raises(TooLarge, match="10 MB"):
            await trello_provider.upload(p.CARD_ID, source)
