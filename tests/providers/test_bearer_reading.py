"""Reading the tree, following cursors, and resolving downloads without following them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import respx

from satchel.domain.errors import MalformedResponse, UsageError
from satchel.domain.model import Attachment, Board, BoardList, Card
from satchel.providers.bearer import BearerProvider
from satchel.providers.bearer_wire import read_attachment
from satchel.providers.http import bearer_auth, make_api_client

from .conftest import API, API_KEY, BASE, TIMES, attachment_json

PRESIGNED = (
    "https://s3.test/satchel/tenants/t1/attachments/a1?response-content-type=text%2Fplain"
    "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260301%2Fus-east-1%2Fs3"
    "%2Faws4_request&X-Amz-Date={date}&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=" + "e" * 64
)


def _now_amz() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


@pytest.mark.asyncio
async def test_whoami_and_upload_limit(service: respx.MockRouter, provider: BearerProvider) -> None:
    me = {
        "tenant": {"id": "t1", "name": "Acme"},
        "scope": "read_write",
        "limits": {"max_upload_size": 5368709120},
    }
    route = service.get(f"{API}/me").respond(200, json=me)
    identity = await provider.whoami()
    assert (identity.id, identity.name, identity.can_write) == ("t1", "Acme", True)
    assert identity.max_upload_size == provider.max_upload_size == 5368709120
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["User-Agent"] == "Satchel/0.1.0"


@pytest.mark.asyncio
async def test_a_cursor_that_loops_is_malformed(
    service: respx.MockRouter, provider: BearerProvider
) -> None:
    service.get(f"{API}/boards").respond(200, json={"data": [], "next": "same"})
    with pytest.raises(MalformedResponse):
        await provider.list_boards()


@pytest.mark.asyncio
async def test_children_down_the_tree(service: respx.MockRouter, provider: BearerProvider) -> None:
    board = Board("b1", "Launch")
    lst = {"id": "l1", "name": "Doing", "board_id": "b1", "position": 1, **TIMES}
    card = {"id": "c1", "name": "Poster", "list_id": "l1", "board_id": "b1", **TIMES}
    link = attachment_json("a2", kind="link", url="https://example.org", size=None, card_id="c1")
    service.get(f"{API}/boards/b1/lists").respond(200, json={"data": [lst], "next": None})
    service.get(f"{API}/lists/l1/cards").respond(200, json={"data": [card], "next": None})
    service.get(f"{API}/cards/c1/attachments").respond(200, json={"data": [link], "next": None})
    [doing] = await provider.children(board)
    assert isinstance(doing, BoardList)
    [poster] = await provider.children(doing)
    assert isinstance(poster, Card)
    [attachment] = await provider.children(poster)
    assert isinstance(attachment, Attachment)
    assert attachment.is_link
    assert attachment.link_url == "https://example.org"


@pytest.mark.asyncio
async def test_resolving_a_download_does_not_follow_the_redirect(
    service: respx.MockRouter, provider: BearerProvider
) -> None:
    date = _now_amz()
    presigned = PRESIGNED.format(date=date)
    service.get(f"{API}/attachments/a1/download").respond(
        307, headers={"Location": presigned, "Cache-Control": "no-store"}
    )
    storage = service.get(url__startswith="https://s3.test/").respond(200, content=b"abc")
    link = await provider.resolve_download(read_attachment(attachment_json(state="stored")))
    assert link.url == presigned
    born = datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert link.expires_at == born + timedelta(seconds=900)
    assert not storage.called


@pytest.mark.asyncio
async def test_download_sends_no_secret_to_storage(
    service: respx.MockRouter, provider: BearerProvider, tmp_path: Path
) -> None:
    resolve = service.get(f"{API}/attachments/a1/download").respond(
        307, headers={"Location": PRESIGNED.format(date=_now_amz())}
    )
    storage = service.get(url__startswith="https://s3.test/").respond(200, content=b"abc")
    attachment = read_attachment(attachment_json(state="stored", card_id="c1"))
    saved = await provider.download(attachment, tmp_path / "report.pdf")
    assert saved.read_bytes() == b"abc"
    assert resolve.call_count == 1
    assert resolve.calls.last.request.headers["Authorization"] == f"Bearer {API_KEY}"
    [fetch] = storage.calls
    assert "Authorization" not in fetch.request.headers
    assert API_KEY not in str(fetch.request.headers)


@pytest.mark.asyncio
async def test_the_key_stays_on_the_service_origin_whatever_the_client(
    service: respx.MockRouter, tmp_path: Path
) -> None:
    # Even the account's own API client, handed in as the storage client, leaks nothing.
    api_client = make_api_client(API, bearer_auth(BASE, API_KEY))
    async with (
        api_client,
        BearerProvider(BASE, API_KEY, api_client=api_client, storage_client=api_client) as provider,
    ):
        service.get(f"{API}/attachments/a1/download").respond(
            307, headers={"Location": PRESIGNED.format(date=_now_amz())}
        )
        storage = service.get(url__startswith="https://s3.test/").respond(200, content=b"abc")
        attachment = read_attachment(attachment_json(state="stored"))
        await provider.download(attachment, tmp_path / "report.pdf")
        assert "Authorization" not in storage.calls.last.request.headers
        # And a plain request through that client to another host carries no key.
        await api_client.get("https://s3.test/elsewhere")
        assert "Authorization" not in storage.calls.last.request.headers
        await api_client.get(f"{API}/attachments/a1/download")
        assert service.calls.last.request.headers["Authorization"] == f"Bearer {API_KEY}"


@pytest.mark.asyncio
async def test_link_attachments_are_not_downloaded(
    provider: BearerProvider, tmp_path: Path
) -> None:
    link = read_attachment(attachment_json(kind="link", url="https://example.org", size=None))
    with pytest.raises(UsageError):
        await provider.download(link, tmp_path / "x")


def test_permanent_link_is_the_service_route_without_secret(provider: BearerProvider) -> None:
    attachment = read_attachment(attachment_json())
    link = provider.permanent_link(attachment)
    assert link == f"{API}/attachments/a1/download"
    assert API_KEY not in link
