"""Trello's refusals as the real service words them (respx): plain-text 401s, size refusals.

Its 429s (token and key budgets, retried, then given up) are answered by the local
service itself (tests/sandbox/test_rate_limit_answers.py), and the members budget's
long wait too (tests/e2e/test_trello_real.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import respx

from satchel.domain.errors import (
    NetworkError,
    NotFound,
    PermissionDenied,
    SignInRequired,
    TooLarge,
)
from satchel.domain.model import FileToSend
from satchel.providers.pacing import Pacer
from satchel.providers.retries import RetryPolicy
from satchel.providers.trello import TrelloProvider
from satchel.providers.trello_http import TRELLO_BUDGETS
from tests.providers import trello_payloads as p
from tests.support.pacing import RecordingPacer

pytestmark = pytest.mark.asyncio

RATE_LIMITED = {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}


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
        ("invalid key", "application key"),
    ],
)
async def test_credential_401s_mean_sign_in_again(
    trello: respx.MockRouter, body: str, words: str
) -> None:
    trello.get("/1/members/me/boards").respond(401, text=body)
    async with provider() as trello_provider:
        with pytest.raises(SignInRequired, match=words) as failure:
            await trello_provider.list_boards()
    assert failure.value.detail == body
    assert failure.value.exit_code == 3


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("unauthorized permission requested", "this item"),
        ("unauthorized card permission requested", "this card"),
        ("unauthorized member permission requested", "member"),
        ("unauthorized organization.", "workspace"),
        ("something new", "not allow"),
    ],
)
async def test_other_401s_are_not_allowed_for_that_item_only(
    trello: respx.MockRouter, body: str, words: str
) -> None:
    trello.get(f"/1/cards/{p.CARD_ID}/attachments").respond(401, text=body)
    async with provider() as trello_provider:
        with pytest.raises(PermissionDenied, match=words) as failure:
            await trello_provider.list_attachments(p.CARD_ID)
    assert "stays signed in" in failure.value.message
    assert failure.value.detail == body
    assert failure.value.exit_code == 4


@pytest.mark.parametrize("body", ["unauthorized permission requested", "something new"])
async def test_any_401_on_the_member_or_token_routes_means_sign_in_again(
    trello: respx.MockRouter, body: str
) -> None:
    trello.get("/1/members/me").respond(401, text=body)
    trello.get(f"/1/tokens/{p.NEW_TOKEN}").respond(401, text=body)
    async with provider() as trello_provider:
        with pytest.raises(SignInRequired, match="Sign in to Trello again"):
            await trello_provider.whoami()
        with pytest.raises(SignInRequired):
            await trello_provider.token_info()


async def test_a_refused_upload_is_not_allowed_not_a_sign_out(
    trello: respx.MockRouter, tmp_path: Path
) -> None:
    trello.post(f"/1/cards/{p.CARD_ID}/attachments").respond(
        401, text="unauthorized permission requested"
    )
    source = tmp_path / "a.txt"
    source.write_bytes(b"abc")
    async with provider() as trello_provider:
        with pytest.raises(PermissionDenied, match="only read"):
            await trello_provider.upload(p.CARD_ID, FileToSend.of(source))


async def test_a_retry_after_header_is_honoured(trello: respx.MockRouter) -> None:
    # Trello documents no Retry-After and the local dialect sends none (its 429s are in
    # tests/sandbox/test_rate_limit_answers.py): a guard for a header Trello may add.
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


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (413, "request entity too large"),
        (400, "File too large"),
        (422, '{"message":"The file exceeds the size limit of this board"}'),
    ],
)
async def test_the_service_refusing_a_file_as_too_large(
    trello: respx.MockRouter, tmp_path: Path, status: int, body: str
) -> None:
    trello.post(f"/1/cards/{p.CARD_ID}/attachments").respond(status, text=body)
    source = tmp_path / "big.bin"
    source.write_bytes(b"x" * 1000)
    async with provider() as trello_provider:
        with pytest.raises(
            TooLarge, match="larger than this account's upload limit of 250 MB"
        ) as failure:
            await trello_provider.upload(p.CARD_ID, FileToSend.of(source))
    assert "10 MB" in failure.value.message and failure.value.detail == body


async def test_a_file_over_the_account_limit_is_refused_before_any_request(
    trello: respx.MockRouter, tmp_path: Path
) -> None:
    route = trello.post(f"/1/cards/{p.CARD_ID}/attachments").respond(200, json={})
    source = tmp_path / "big.bin"
    source.write_bytes(b"x" * 2001)
    trello_provider = TrelloProvider(
        p.API, p.KEY, p.NEW_TOKEN, pacers=(Pacer(1000, 1.0),), upload_limit=2000
    )
    async with trello_provider:
        with pytest.raises(TooLarge, match=r"“big\.bin” is larger than this account's upload"):
            await trello_provider.upload(p.CARD_ID, FileToSend.of(source))
    assert not route.called


async def test_the_members_budget_counts_only_the_member_route(trello: respx.MockRouter) -> None:
    members = next(b for b in TRELLO_BUDGETS if b.name == "members")
    assert members.covers("/1/members/me") and members.covers(
        "/1/members/5abbe4b7ddc1b351ef961414/"
    )
    assert not members.covers("/1/members/me/boards")
    assert not members.covers("/1/boards/x/cards")


async def test_an_expired_sign_in_fails_before_its_request_is_sent(
    trello: respx.MockRouter,
) -> None:
    route = trello.get("/1/members/me/boards").respond(200, json=[])
    past = datetime.now(UTC) - timedelta(minutes=1)
    async with TrelloProvider(
        p.API, p.KEY, p.NEW_TOKEN, pacers=(Pacer(1000, 1.0),), token_expires_at=past
    ) as trello_provider:
        with pytest.raises(SignInRequired, match="expired at"):
            await trello_provider.list_boards()
    assert not route.called


async def test_whoami_learns_when_the_token_expires(trello: respx.MockRouter) -> None:
    trello.get("/1/members/me").respond(200, json=p.MEMBER)
    trello.get(f"/1/tokens/{p.NEW_TOKEN}").respond(200, json=p.token_info("2030-02-01T12:00:00Z"))
    async with provider() as trello_provider:
        identity = await trello_provider.whoami()
        assert trello_provider.token_expires_at == identity.expires_at
    assert identity.expires_at == datetime(2030, 2, 1, 12, tzinfo=UTC)
    assert identity.max_upload_size == 250_000_000
