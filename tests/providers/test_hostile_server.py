"""A hostile (or broken) server: every answer ends in a clear error, never a crash, a loop,
a full memory or a download over plain http."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import respx

from satchel.domain.errors import MalformedResponse, StorageError
from satchel.domain.model import Attachment
from satchel.providers import bearer, http
from satchel.providers.bearer import BearerProvider
from satchel.providers.http import make_api_client
from satchel.providers.pacing import Pacer
from satchel.providers.productive import ProductiveProvider
from satchel.providers.productive_http import reset_seconds
from satchel.providers.trello import TrelloProvider
from satchel.storage.client import make_storage_client
from satchel.storage.s3_answers import retry_after_seconds

from . import trello_payloads as p
from .conftest import API, API_KEY, BASE

pytestmark = pytest.mark.asyncio
Handler = Callable[[httpx.Request], httpx.Response]


def _provider(api: Handler, storage: Handler | None = None) -> BearerProvider:
    return BearerProvider(
        BASE,
        API_KEY,
        api_client=make_api_client(API, transport=httpx.MockTransport(api)),
        storage_client=make_storage_client(
            transport=httpx.MockTransport(storage or (lambda _r: httpx.Response(404)))
        ),
    )


async def test_a_gzip_bomb_is_not_decompressed_past_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http, "API_ANSWER_CAP", 1024 * 1024)
    bomb = gzip.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]", compresslevel=9)
    assert len(bomb) < 100_000

    async def streamed() -> AsyncIterator[bytes]:
        for start in range(0, len(bomb), 16_384):  # as a network delivers it
            yield bomb[start : start + 16_384]

    def api(_request: httpx.Request) -> httpx.Response:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return httpx.Response(200, content=streamed(), headers=headers)

    async with _provider(api) as provider:
        with pytest.raises(MalformedResponse, match=r"cannot read .*larger than"):
            await provider.list_boards()


async def test_compressed_answers_within_the_cap_still_read() -> None:
    page = {"data": [{"id": "b1", "name": "Board", **_times()}], "next": None}

    def api(_request: httpx.Request) -> httpx.Response:
        body = gzip.compress(json.dumps(page).encode())
        return httpx.Response(200, content=body, headers={"Content-Encoding": "gzip"})

    async with _provider(api) as provider:
        assert [b.name for b in await provider.list_boards()] == ["Board"]


def _times() -> dict[str, str]:
    return {"created_at": "2026-03-01T12:00:00Z", "updated_at": "2026-03-01T12:00:00Z"}


async def test_deeply_nested_json_is_unreadable_not_a_crash() -> None:
    def api(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)

    async with _provider(api) as provider:
        with pytest.raises(MalformedResponse, match="cannot read"):
            await provider.list_boards()


async def test_endless_distinct_cursors_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bearer, "MAX_PAGES", 50)
    asked: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.params.get("cursor", ""))
        return httpx.Response(200, json={"data": [], "next": f"cursor-{len(asked)}"})

    async with _provider(api) as provider:
        with pytest.raises(MalformedResponse, match=r"cannot read .*more than 50 pages"):
            await provider.list_boards()
    assert len(asked) == 51


async def test_downloads_never_follow_https_to_http(tmp_path: Path) -> None:
    reached: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://s3.test/satchel/a1?X-Amz-x=1"})

    def storage(request: httpx.Request) -> httpx.Response:
        reached.append(str(request.url))
        if request.url.scheme == "https":
            return httpx.Response(302, headers={"Location": "http://plain.test/a1"})
        return httpx.Response(200, content=b"stolen")

    attachment = Attachment(
        id="a1", name="report.pdf", card_id="c1", content_type="application/pdf", size=6
    )
    async with _provider(api, storage) as provider:
        with pytest.raises(StorageError, match="unencrypted"):
            await provider.download(attachment, tmp_path / "report.pdf")
    assert all(url.startswith("https://") for url in reached)
    assert list(tmp_path.iterdir()) == []


async def test_a_body_longer_than_declared_is_cut_off_and_reported(tmp_path: Path) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://s3.test/satchel/a1?X-Amz-x=1"})

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 1000

    def storage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless(), headers={"Content-Length": "6"})

    attachment = Attachment(
        id="a1", name="report.pdf", card_id="c1", content_type="application/pdf", size=6
    )
    async with _provider(api, storage) as provider:
        with pytest.raises(StorageError, match="more than"):
            await provider.download(attachment, tmp_path / "report.pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["²", "٣٠", "１０", "1e9", "-5", "Fri, 99 Foo 2026", "9" * 400])
async def test_retry_after_that_is_not_ascii_digits_is_ignored(value: str) -> None:
    headers = httpx.Headers([(b"Retry-After", value.encode())])  # as the wire carries it
    assert retry_after_seconds(headers) is None


@pytest.mark.parametrize("value", ["²", "٣٠", "１０", "٣.٥", "-5", "nan", "inf", "9" * 400])
async def test_a_rate_limit_reset_that_is_not_ascii_seconds_is_ignored(value: str) -> None:
    headers = httpx.Headers([(b"X-RateLimit-Reset", value.encode())])  # Productive's wait
    assert reset_seconds(headers) is None


PLAIN = "http://plain.test/satchel/file?X-Amz-Expires=600"


async def _trello_download(path: Path) -> None:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        router.get(f"{p.API}/1/cards/{p.CARD_ID}/attachments").respond(json=[p.file_attachment()])
        router.route(url__regex=f"{p.API}{p.DOWNLOAD_PATH}").respond(
            302, headers={"Location": PLAIN}
        )
        plain = router.get(url__startswith="http://plain.test/").respond(200, content=b"stolen")
        async with TrelloProvider(p.API, p.KEY, p.NEW_TOKEN, pacers=(Pacer(1000, 1.0),)) as trello:
            (attachment,) = await trello.list_attachments(p.CARD_ID)
            try:
                await trello.download(attachment, path)
            finally:
                assert not plain.called


async def _productive_download(path: Path) -> None:
    files_url = "https://files.productive.io/attachments/files/000/002/592/959/original/a.pdf?1750"
    row = {
        "id": "7",
        "type": "attachments",
        "attributes": {
            "name": "a.pdf",
            "content_type": "application/pdf",
            "size": 6,
            "url": files_url,
            "deleted_at": None,
        },
    }
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        router.get("https://api.productive.io/api/v2/attachments").respond(
            json={"data": [row], "meta": {"total_pages": 1}, "links": {}}
        )
        router.get(url__startswith=files_url).respond(302, headers={"Location": PLAIN})
        plain = router.get(url__startswith="http://plain.test/").respond(200, content=b"stolen")
        async with ProductiveProvider(
            "https://api.productive.io", "t0ken", "12345", pacers=(Pacer(1000, 1.0),)
        ) as productive:
            (attachment,) = await productive.list_attachments("5")
            try:
                await productive.download(attachment, path)
            finally:
                assert not plain.called


async def _bearer_download(path: Path) -> None:
    reached: list[str] = []

    def api(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(307, headers={"Location": PLAIN})

    def storage(request: httpx.Request) -> httpx.Response:
        reached.append(str(request.url))
        return httpx.Response(200, content=b"stolen")

    attachment = Attachment(id="a1", name="a.pdf", card_id="c1", content_type="", size=6)
    async with _provider(api, storage) as provider:
        try:
            await provider.download(attachment, path)
        finally:
            assert reached == []


@pytest.mark.parametrize(
    "download",
    [_bearer_download, _trello_download, _productive_download],
    ids=["bearer", "trello", "productive"],
)
async def test_a_service_route_that_redirects_to_plain_http_is_not_followed(
    tmp_path: Path, download: Callable[[Path], Awaitable[None]]
) -> None:
    # The service's own download route (https) hands the file to an http storage host:
    # the file and its link would cross the network in clear.
    with pytest.raises(StorageError, match="unencrypted"):
        await download(tmp_path / "a.pdf")
    assert list(tmp_path.iterdir()) == []
