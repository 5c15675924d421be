"""Satchel's Trello client against the local dialect as Trello really behaves: a 401 for
one item, a board of 5,000 cards, a file over the plan's limit, a download route that
answers the bytes or refuses HEAD, and the members route's budget running out."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from satchel.domain.errors import PermissionDenied, Rejected, TooLarge
from satchel.domain.model import Attachment
from satchel.providers.http import make_api_client
from satchel.providers.pacing import listen_for_waits
from satchel.providers.trello import TrelloProvider
from satchel.providers.trello_http import TRELLO_BUDGETS
from satchel.sandbox.store import Store
from satchel.sandbox.trello.ids import TrelloIds
from satchel.storage.client import make_storage_client
from satchel.transfers.one_off import upload_file
from tests.support.sandbox import SandboxInfo, start_sandbox
from tests.support.trello import fresh_token, trello_workspace

pytestmark = pytest.mark.asyncio


def provider(sandbox: SandboxInfo, **options: object) -> TrelloProvider:
    credentials = fresh_token(sandbox)
    return TrelloProvider(sandbox.base_url, credentials.key, credentials.token, **options)  # type: ignore[arg-type]


async def hero_image(trello: TrelloProvider) -> Attachment:
    board = next(b for b in await trello.list_boards() if b.name == "Website Relaunch")
    backlog = next(x for x in await trello.list_lists(board.id) if x.name == "Backlog")
    card = next(c for c in await trello.list_cards(backlog.id) if c.name == "Homepage hero")
    return next(a for a in await trello.list_attachments(card.id) if a.name.endswith(".png"))


async def test_a_401_for_one_item_leaves_the_account_signed_in(
    sandbox: SandboxInfo, tmp_path: Path
) -> None:
    with Store(sandbox.data_dir / "satchel.db") as store:
        other = store.tenants()[1].id
        board = store.boards(other).items[0]
        foreign = TrelloIds(store).out(board.id, board.created_at)
    space = await trello_workspace(sandbox, tmp_path, "Trello")
    try:
        trello = space.provider("Trello")
        with pytest.raises(PermissionDenied, match="stays signed in"):
            await trello.list_lists(foreign)
        assert not space.needs_sign_in("Trello")
        assert space.provider("Trello") is trello  # the same live provider, still signed in
        assert any(b.name == "Website Relaunch" for b in await trello.list_boards())
    finally:
        await space.aclose()


async def test_a_file_over_the_limit_is_refused_before_any_byte(
    sandbox: SandboxInfo, tmp_path: Path
) -> None:
    sent: list[str] = []

    async def count(request: httpx.Request) -> None:
        sent.append(f"{request.method} {request.url.path}")

    api = make_api_client(sandbox.base_url)
    api.event_hooks["request"] = [count]
    big = tmp_path / "poster.tiff"
    big.write_bytes(b"\0" * 2001)
    async with api, provider(sandbox, api_client=api, upload_limit=2000) as trello:
        image = await hero_image(trello)
        asked = len(sent)
        with pytest.raises(TooLarge, match=r"“poster\.tiff” is larger than this account's"):
            await upload_file(trello, image.card_id or "", big)
    assert len(sent) == asked  # not one request for the refused file


@pytest.fixture(scope="module")
def big_board_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    info = start_sandbox(tmp_path_factory.mktemp("big"), "--big-board")
    yield info
    info.stop()


async def test_a_board_of_5000_cards_comes_in_pages(big_board_service: SandboxInfo) -> None:
    counts: list[tuple[int, int | None]] = []
    async with provider(big_board_service) as trello:
        board = next(b for b in await trello.list_boards() if b.name == "Big board")
        started = time.perf_counter()
        lists = await trello.list_lists(board.id, progress=lambda *c: counts.append(c))
        took = time.perf_counter() - started
        backlog = next(x for x in lists if x.name == "Backlog")
        cards = await trello.list_cards(backlog.id)
        attachments = sum([len(await trello.list_attachments(c.id)) for c in cards[:50]])
    assert len(cards) == 5000 and len({c.id for c in cards}) == 5000
    # A page of 1,000 each, then an empty one says there are no more.
    assert sorted({done for done, _about in counts}) == [1000, 2000, 3000, 4000, 5000]
    assert counts[-1] == (5000, 5000)
    first_estimate = counts[0][1]
    assert first_estimate is not None and 4500 <= first_estimate <= 5500, counts
    assert attachments == 200  # four per card, come with the pages: no more requests
    print(f"5,000 cards and 20,000 attachments in {took:.1f} s")


@pytest.fixture(scope="module")
def bytes_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    info = start_sandbox(tmp_path_factory.mktemp("bytes"), "--faults", "download-200=1")
    yield info
    info.stop()


async def test_a_download_route_that_answers_the_bytes(
    bytes_service: SandboxInfo, tmp_path: Path
) -> None:
    async with provider(bytes_service) as trello:
        image = await hero_image(trello)
        saved = await trello.download(image, tmp_path / "hero.png")
        with pytest.raises(Rejected, match="no link to share"):
            await trello.resolve_download(image)
    assert saved.stat().st_size == image.size
    assert saved.read_bytes().startswith(b"\x89PNG")


@pytest.fixture(scope="module")
def strict_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    """HEAD refused on download routes; the members route allows 2 requests per 4 s."""
    info = start_sandbox(
        tmp_path_factory.mktemp("strict"),
        "--faults", "head-405=1",
        "--trello-limits", "100/10,300/10,2/4",
    )  # fmt: skip
    yield info
    info.stop()


async def test_a_refused_head_falls_back_to_a_get_for_the_share_link(
    strict_service: SandboxInfo, tmp_path: Path
) -> None:
    async with provider(strict_service) as trello, make_storage_client() as storage:
        image = await hero_image(trello)
        link = await trello.resolve_download(image)
        again = await trello.resolve_download(image)
        fetched = await storage.get(link.url)
        saved = await trello.download(image, tmp_path / "hero.png")
    assert fetched.status_code == 200 and len(fetched.content) == image.size
    assert "key=" not in link.url and "token=" not in link.url
    assert again.url.startswith(link.url.split("?")[0])
    assert saved.read_bytes() == fetched.content


async def test_the_members_budget_waits_for_its_window_and_says_so(
    strict_service: SandboxInfo,
) -> None:
    token, key, members = TRELLO_BUDGETS
    budgets = (token, key, replace(members, window=4.0))  # the service's window, for a test
    told: list[str] = []
    stop = listen_for_waits(lambda text, _seconds: told.append(text))
    try:
        async with provider(strict_service, budgets=budgets) as trello:
            started = time.monotonic()
            names = [(await trello.whoami()).name for _ in range(3)]
            waited = time.monotonic() - started
    finally:
        stop()
    assert len(set(names)) == 1
    assert told and "members requests" in told[0] and "waits" in told[0]
    assert waited >= 2.0  # the third look-up waited for the window to have room
