"""TrelloProvider end to end against the local dialect: browse, upload, download, share, sign out.

Every request the provider sends is recorded at the transport, after httpx added its
headers: what reached the storage host and what each URL held is seen, not assumed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from satchel.domain.errors import SignInRequired, UsageError
from satchel.domain.model import Board, Card
from satchel.providers.http import make_api_client
from satchel.providers.pacing import Pacer
from satchel.providers.trello import TrelloProvider
from satchel.storage.client import make_storage_client
from satchel.transfers.one_off import upload_file
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import ModuleTenant
from tests.support.trello import TrelloCredentials, demo_credentials, fresh_token

pytestmark = pytest.mark.asyncio


class Recorder(httpx.AsyncBaseTransport):
    """A real transport that keeps every request as it goes out."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Rig:
    provider: TrelloProvider
    recorder: Recorder
    credentials: TrelloCredentials


@pytest_asyncio.fixture
async def rig(sandbox: SandboxInfo, trello_tenant: ModuleTenant) -> AsyncIterator[Rig]:
    # Its own budget (other tests' requests do not count) and this module's own copy of
    # the demo tenant (what it uploads and deletes no other module sees).
    credentials = fresh_token(sandbox, tenant_id=trello_tenant.id)
    recorder = Recorder()
    api = make_api_client(sandbox.base_url, transport=recorder)
    storage = make_storage_client(transport=recorder)
    provider = TrelloProvider(
        sandbox.base_url, credentials.key, credentials.token, api_client=api, storage_client=storage
    )
    yield Rig(provider, recorder, credentials)
    await api.aclose()
    await storage.aclose()


async def first_board(provider: TrelloProvider) -> Board:
    return next(b for b in await provider.list_boards() if b.name == "Website Relaunch")


async def hero_card(provider: TrelloProvider) -> Card:
    board = await first_board(provider)
    backlog = next(x for x in await provider.list_lists(board.id) if x.name == "Backlog")
    return next(c for c in await provider.list_cards(backlog.id) if c.name == "Homepage hero")


async def test_expanding_a_board_is_one_look_for_everything_under_it(rig: Rig) -> None:
    provider, recorder = rig.provider, rig.recorder
    board = await first_board(provider)
    before = len(recorder.requests)
    lists = await provider.list_lists(board.id)
    assert len(recorder.requests) - before == 2  # the lists, and the cards with attachments
    for board_list in lists:
        for card in await provider.list_cards(board_list.id):
            await provider.list_attachments(card.id)
    assert len(recorder.requests) - before == 2
    cards_request = next(r for r in recorder.requests if r.url.path.endswith("/cards"))
    assert cards_request.url.params["attachments"] == "true"

    provider.forget(board)  # a refresh
    await provider.list_cards(lists[0].id)
    assert len(recorder.requests) - before == 3


async def test_closed_lists_and_cards_hide_unless_asked(rig: Rig) -> None:
    provider = rig.provider
    boards = await provider.list_boards()
    lists = [x for b in boards for x in await provider.list_lists(b.id)]
    assert "Photography" not in {x.name for x in lists}
    card_names = {c.name for x in lists for c in await provider.list_cards(x.id)}
    assert "Navigation ideas" not in card_names

    provider.show_closed = True
    lists = [x for b in boards for x in await provider.list_lists(b.id)]
    closed_list = next(x for x in lists if x.name == "Photography")
    assert closed_list.closed
    cards = [c for x in lists for c in await provider.list_cards(x.id)]
    assert next(c for c in cards if c.name == "Navigation ideas").closed


async def test_attachments_links_and_previews(rig: Rig, tmp_path: Path) -> None:
    provider = rig.provider
    attachments = await provider.list_attachments((await hero_card(provider)).id)
    link = next(a for a in attachments if a.is_link)
    assert link.link_url == "https://example.com/style-guide" and link.size is None
    with pytest.raises(UsageError, match="link"):
        await provider.download(link, tmp_path / "x")
    image = next(a for a in attachments if a.content_type == "image/png")
    assert image.file_name == "Homepage_hero.png" and image.name == "Homepage hero.png"
    assert image.size
    assert image.download_url and "signature" not in image.download_url
    assert image.previews
    small = min(image.previews, key=lambda p: p.width)
    saved = await provider.download_preview(image, small, tmp_path / "thumb.png")
    assert saved.read_bytes().startswith(b"\x89PNG")
    assert (await provider.get_attachment(f"{image.card_id}/{image.id}")).id == image.id
    provider.forget()
    assert (await provider.get_attachment(image.id)).id == image.id


async def test_round_trip_keeps_credentials_off_storage_and_out_of_urls(
    rig: Rig, sandbox: SandboxInfo, tmp_path: Path
) -> None:
    provider, recorder, credentials = rig.provider, rig.recorder, rig.credentials
    card = await hero_card(provider)
    source = tmp_path / "plans v2.txt"
    source.write_bytes(b"the plan, in full\n" * 50_000)
    uploaded = await upload_file(provider, card.id, source)
    assert uploaded.size == source.stat().st_size and uploaded.card_id == card.id
    assert uploaded.id in {a.id for a in await provider.list_attachments(card.id)}

    copy = await provider.download(uploaded, tmp_path / "copy.txt")
    assert copy.read_bytes() == source.read_bytes()
    link = await provider.resolve_download(uploaded)  # the share link, from a HEAD preflight
    assert link.url.startswith(sandbox.s3_endpoint)
    left = link.expires_at - datetime.now(UTC)
    assert timedelta(minutes=58) < left <= timedelta(hours=1)
    assert httpx.get(link.url).content == source.read_bytes()  # no credential needed
    await provider.delete(uploaded)
    assert uploaded.id not in {a.id for a in await provider.list_attachments(card.id)}

    api_host = httpx.URL(sandbox.base_url).netloc
    storage = [r for r in recorder.requests if r.url.netloc != api_host]
    api = [r for r in recorder.requests if r.url.netloc == api_host]
    assert storage and api
    heads = [r for r in api if r.method == "HEAD"]
    assert heads and all("/download/" in r.url.path for r in heads)
    for request in api:
        assert request.headers["authorization"].startswith('OAuth oauth_consumer_key="')
    for request in storage:
        assert "authorization" not in request.headers
        assert "cookie" not in request.headers
        seen = str(request.url) + str(request.headers.raw)
        assert credentials.token not in seen and credentials.key not in seen
    for request in recorder.requests:
        assert not {"key", "token"} & set(request.url.params.keys())
        if not request.url.path.startswith("/1/tokens/"):
            assert credentials.token not in str(request.url)
        assert credentials.key not in str(request.url)
    service_log = sandbox.log_path.read_text(errors="replace")
    assert "/1/cards/" in service_log  # the service did log these requests...
    assert credentials.token not in service_log  # ...without the token
    assert credentials.key not in service_log


async def test_the_pacer_keeps_the_provider_under_the_limit(sandbox: SandboxInfo) -> None:
    credentials = fresh_token(sandbox)
    recorder = Recorder()
    api = make_api_client(sandbox.base_url, transport=recorder)
    # The defaults, but private to this test: 100 per 10 s (and a little slack).
    pacers = (Pacer(100, 10.5),)
    try:
        provider = TrelloProvider(
            sandbox.base_url, credentials.key, credentials.token, api_client=api, pacers=pacers
        )
        started = time.monotonic()
        for _ in range(105):
            await provider.list_boards()
        elapsed = time.monotonic() - started
        await provider.aclose()
    finally:
        await api.aclose()
    assert recorder.statuses == [200] * 105  # no 429: the pacer waited instead
    assert elapsed >= 10.0


async def test_expired_and_revoked_tokens_mean_sign_in_again(sandbox: SandboxInfo) -> None:
    expired = fresh_token(sandbox, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    async with TrelloProvider(sandbox.base_url, expired.key, expired.token) as provider:
        with pytest.raises(SignInRequired, match="expired") as failure:
            await provider.list_boards()
    assert failure.value.detail == "expired token"

    revoked = fresh_token(sandbox)
    async with TrelloProvider(sandbox.base_url, revoked.key, revoked.token) as provider:
        identity = await provider.whoami()
        assert identity.can_write and identity.expires_at is not None
        await provider.sign_out()
        with pytest.raises(SignInRequired, match="revoked") as failure:
            await provider.whoami()
        assert failure.value.detail == "invalid token"
        await provider.sign_out()  # already revoked: nothing more to do


async def test_the_demo_token_from_the_ready_line_never_expires(sandbox: SandboxInfo) -> None:
    demo = demo_credentials(sandbox)
    async with TrelloProvider(sandbox.base_url, demo.key, demo.token) as provider:
        identity = await provider.whoami()
    assert identity.expires_at is None
    assert identity.name == f"{sandbox.tenants[0]['name']} (demo)"
