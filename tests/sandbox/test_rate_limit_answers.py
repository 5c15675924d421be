"""429s the local service really gives, once a budget is spent: Trello's per-token and
per-key budgets (JSON naming the one spent, no Retry-After) and Productive's per-token
budget (X-RateLimit-Reset), on a service of its own whose budgets are small. respx keeps
only what these services cannot be made to say (tests/providers).

Each Trello test has an application key of its own, so one test's requests never spend
another's key budget; each Productive test a token of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from satchel.domain.errors import RateLimited
from satchel.domain.model import FileToSend
from satchel.providers.pacing import Pacer
from satchel.providers.retries import RetryPolicy
from satchel.providers.trello import TrelloProvider
from satchel.sandbox.store import Store
from satchel.sandbox.trello.ids import TrelloIds
from tests.support.pacing import RecordingPacer
from tests.support.productive import ProductiveDemo, new_organization
from tests.support.sandbox import SandboxInfo, start_sandbox
from tests.support.trello import TrelloCredentials, fresh_token, new_app_key

pytestmark = pytest.mark.asyncio

#: Trello: 3 requests per 2 s per token, 6 per 2 s per key. Productive: 3 per 2 s per token.
PER_TOKEN, PER_KEY, WINDOW = 3, 6, 2.0
#: Retries that outlast the window (about 0.5 + 1 + 2 + 4 s at most).
PATIENT = RetryPolicy(max_attempts=6, base_delay=1.0)


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    info = start_sandbox(
        tmp_path_factory.mktemp("limited"),
        "--trello-limits", f"{PER_TOKEN}/{WINDOW},{PER_KEY}/{WINDOW},100/900",
        "--productive-limits", f"{PER_TOKEN}/{WINDOW},1000/60",
    )  # fmt: skip
    yield info
    info.stop()


@pytest.fixture(scope="module")
def organization(limited: SandboxInfo) -> ProductiveDemo:
    return new_organization(limited)


def trello(
    service: SandboxInfo,
    credentials: TrelloCredentials,
    pacer: Pacer,
    backoff: RetryPolicy = PATIENT,
) -> TrelloProvider:
    return TrelloProvider(
        service.base_url, credentials.key, credentials.token, pacers=(pacer,), backoff=backoff
    )


async def spend(service: SandboxInfo, credentials: TrelloCredentials, count: int) -> None:
    """`count` requests of this token, not retried: what the budgets then hold."""
    async with trello(service, credentials, RecordingPacer(), RetryPolicy(1)) as provider:
        for _ in range(count):
            await provider.list_boards()


def first_card(service: SandboxInfo) -> str:
    """The Trello id of a card of the service's first tenant (read from its store: no
    request spends a budget)."""
    with Store(service.data_dir / "satchel.db") as store:
        tenant = store.tenants()[0].id
        board = store.boards(tenant).items[0]
        card = store.cards(tenant, store.lists(tenant, board.id).items[0].id).items[0]
        return TrelloIds(store).out(card.id, card.created_at)


async def test_a_trello_429_backs_off_and_tries_again(limited: SandboxInfo) -> None:
    credentials = fresh_token(limited, key=new_app_key(limited))
    pacer = RecordingPacer()
    async with trello(limited, credentials, pacer) as provider:
        started = time.monotonic()
        seen = [[b.name for b in await provider.list_boards()] for _ in range(PER_TOKEN + 1)]
        waited = time.monotonic() - started
    assert "Website Relaunch" in seen[0] and all(names == seen[0] for names in seen)
    assert pacer.held, "the service said 429 and everyone sharing the budget waited"
    assert pacer.acquired > PER_TOKEN + 1  # the refused request went again
    assert waited >= 0.5  # at least the first step of the backoff


async def test_trello_429s_that_do_not_stop_become_rate_limited(limited: SandboxInfo) -> None:
    credentials = fresh_token(limited, key=new_app_key(limited))
    await spend(limited, credentials, PER_TOKEN)
    quick = RetryPolicy(max_attempts=3, base_delay=0.01)
    async with trello(limited, credentials, RecordingPacer(), quick) as provider:
        with pytest.raises(RateLimited, match="slow down") as failure:
            await provider.list_boards()
    assert failure.value.retryable
    detail = failure.value.detail or ""
    assert "Rate limit exceeded" in detail and "API_TOKEN_LIMIT_EXCEEDED" in detail


@pytest.mark.parametrize(("spent", "code"), [("token", "API_TOKEN_LIMIT_EXCEEDED"),
                                             ("key", "API_KEY_LIMIT_EXCEEDED")])  # fmt: skip
async def test_a_trello_429_names_the_budget_spent_then_passes_once_it_has_room(
    limited: SandboxInfo, spent: str, code: str
) -> None:
    key = new_app_key(limited)
    credentials = fresh_token(limited, key=key)
    if spent == "token":
        await spend(limited, credentials, PER_TOKEN)
    else:  # other tokens of the same key spend the key's budget; this one's is untouched
        for _ in range(PER_KEY // PER_TOKEN):
            await spend(limited, fresh_token(limited, key=key), PER_TOKEN)
    async with trello(limited, credentials, RecordingPacer(), RetryPolicy(1)) as provider:
        with pytest.raises(RateLimited) as failure:
            await provider.list_boards()
    assert code in (failure.value.detail or "")
    pacer = RecordingPacer()
    async with trello(limited, credentials, pacer) as provider:
        assert any(b.name == "Website Relaunch" for b in await provider.list_boards())
    assert pacer.held and pacer.acquired >= 2


async def test_an_upload_refused_with_429_is_sent_again_whole(
    limited: SandboxInfo, tmp_path: Path
) -> None:
    credentials = fresh_token(limited, key=new_app_key(limited))
    source = tmp_path / "notes.md"
    source.write_bytes(b"# Notes\n" * 4000)
    await spend(limited, credentials, PER_TOKEN)
    pacer = RecordingPacer()
    async with trello(limited, credentials, pacer) as provider:
        uploaded = await provider.upload(first_card(limited), FileToSend.of(source))  # 429, again
        held = list(pacer.held)
        copy = await provider.download(uploaded, tmp_path / "copy.md")
    assert held, "the upload met a 429 and was sent again"
    assert uploaded.size == source.stat().st_size
    assert copy.read_bytes() == source.read_bytes()  # the whole body, the second time too


async def test_a_productive_429_waits_what_x_ratelimit_reset_says(
    organization: ProductiveDemo,
) -> None:
    with organization.client(organization.read_only_token) as api:  # another token's budget
        task = organization.task_id(api, "Budget")
    hasty = organization.provider(pacers=(RecordingPacer(),), backoff=RetryPolicy(1))
    async with hasty as provider:
        for _ in range(PER_TOKEN):
            await provider.list_attachments(task)
        with pytest.raises(RateLimited) as refused:
            await provider.list_attachments(task)
    assert refused.value.retry_after is not None and 1.0 <= refused.value.retry_after <= WINDOW

    pacer = RecordingPacer()  # the budget is spent: the first request is refused too
    patient = organization.provider(pacers=(pacer,), backoff=RetryPolicy(max_attempts=3))
    async with patient as provider:
        listed = [await provider.list_attachments(task) for _ in range(PER_TOKEN + 1)]
    assert listed[0], "the demo task has its file"
    assert all([a.id for a in found] == [a.id for a in listed[0]] for found in listed)
    assert pacer.held and all(1.0 <= seconds <= WINDOW for seconds in pacer.held)  # the reset
