"""respx at Productive's boundary, fed with the real service's documented shapes
(PROTOCOLS.md §2) that the local dialect does not give: a 401 whose status is a string,
400 and 415 (the provider never sends what earns them), a clamped page size, cursor
pages, and the real files host's URLs, redirects and login page.

403, 422, paging, soft-deleted rows and 429 with X-RateLimit-Reset are tested against
the local service (tests/sandbox/test_productive_provider_answers.py,
test_rate_limit_answers.py, tests/e2e/test_productive_round_trip.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import respx

from satchel.domain.errors import (
    SatchelError,
    SignInRequired,
    StorageDenied,
)
from satchel.domain.model import Attachment
from satchel.providers.productive import ProductiveProvider
from satchel.providers.retries import RetryPolicy
from tests.support.pacing import RecordingPacer

API = "https://api.productive.io/api/v2"
FILES = "https://files.productive.io"
TOKEN = "f80b89b3-16ab-4958-afdc-6979a4eb2207"  # the seed's example shape
ORG = "12345"
FILE_URL = f"{FILES}/attachments/files/000/002/592/959/original/file.pdf?1750564993"


@pytest.fixture
def pacer() -> RecordingPacer:
    return RecordingPacer()


@pytest_asyncio.fixture
async def provider(pacer: RecordingPacer) -> AsyncIterator[ProductiveProvider]:
    async with ProductiveProvider(
        "https://api.productive.io",
        TOKEN,
        ORG,
        pacers=(pacer,),
        backoff=RetryPolicy(max_attempts=3),
    ) as connected:
        yield connected


def error(status: int | str, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"errors": [{"status": status, "title": title, "detail": detail, **extra}]}


def attachment(number: int, *, deleted: bool = False, **attributes: Any) -> dict[str, Any]:
    return {
        "id": str(number),
        "type": "attachments",
        "attributes": {
            "name": f"file {number}.pdf", "content_type": "application/pdf", "size": 1234,
            "url": FILE_URL, "thumb": None, "temp_url": None, "resized": False,
            "created_at": "2025-06-22T10:03:13.000+02:00",
            "deleted_at": "2025-06-23T08:00:00.000+02:00" if deleted else None,
            "attachment_type": "attachment", "attachable_type": "task", **attributes,
        },
        "relationships": {"creator": {"meta": {"included": False}}},
    }  # fmt: skip


def page(items: list[dict[str, Any]], number: int, pages: int, size: int) -> dict[str, Any]:
    meta = {"current_page": number, "total_pages": pages, "total_count": 0, "page_size": size}
    return {"data": items, "meta": meta, "links": {}}


@respx.mock
@pytest.mark.asyncio
async def test_every_request_carries_the_three_headers(provider: ProductiveProvider) -> None:
    route = respx.get(f"{API}/organization_memberships").respond(
        json={
            "data": [],
            "included": [{"id": ORG, "type": "organizations", "attributes": {"name": "Acme"}}],
        }
    )
    identity = await provider.whoami()
    assert identity.name == "Acme"
    sent = route.calls.last.request
    assert sent.headers["X-Auth-Token"] == TOKEN
    assert sent.headers["X-Organization-Id"] == ORG
    assert sent.headers["Content-Type"] == "application/vnd.api+json"


@respx.mock
@pytest.mark.asyncio
@pytest.mark.parametrize("status", [401, "401"])
async def test_401_with_int_or_string_status_means_sign_in_again(
    provider: ProductiveProvider, status: int | str
) -> None:
    respx.get(f"{API}/organization_memberships").respond(
        401, json=error(status, "Unauthenticated", "You are not authenticated")
    )
    with pytest.raises(SignInRequired) as raised:
        await provider.whoami()
    assert "Settings → API integrations" in raised.value.message


@respx.mock
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "title"), [(400, "Unsupported Filter"), ("415", "Unsupported Media Type")]
)
async def test_400_and_415_are_reported_as_bugs(
    provider: ProductiveProvider, status: int | str, title: str
) -> None:
    respx.get(f"{API}/tasks").respond(int(status), json=error(status, title, "bad"))
    with pytest.raises(SatchelError) as raised:
        await provider.list_cards("3")
    assert raised.value.exit_code == 1
    assert "bug in Satchel" in raised.value.message and title in raised.value.message


@respx.mock
@pytest.mark.asyncio
async def test_a_clamped_page_size_still_reads_to_the_end(provider: ProductiveProvider) -> None:
    # We ask for 200; this service gives 30 a page and says so, with the page count. The
    # local dialect clamps at 200, which is what the provider asks for: it never clamps.
    items = [attachment(n) for n in range(1, 71)]

    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page[number]"])
        assert request.url.params["page[size]"] == "200"
        assert request.url.params["filter[task_id]"] == "5"
        chunk = items[(number - 1) * 30 : number * 30]
        return httpx.Response(200, json=page(chunk, number, 3, 30))

    respx.get(f"{API}/attachments").mock(side_effect=answer)
    listed = await provider.list_attachments("5")
    assert [a.id for a in listed] == [str(n) for n in range(1, 71)]


@respx.mock
@pytest.mark.asyncio
async def test_cursor_pages_follow_links_next(provider: ProductiveProvider) -> None:
    # The real service may answer in cursor mode (links.next, no totals); the local dialect
    # does so only when asked with page[after], which the provider never sends.
    second = f"{API}/tasks?filter%5Btask_list_id%5D=4&page%5Bafter%5D=abc&page%5Bsize%5D=200"

    def task(number: int) -> dict[str, Any]:
        attributes = {"title": f"Task {number}", "task_number": number, "closed": False}
        return {"id": str(number), "type": "tasks", "attributes": attributes}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page[after]") == "abc":
            return httpx.Response(200, json={"data": [task(3)], "meta": {}, "links": {}})
        body = {"data": [task(1), task(2)], "meta": {}, "links": {"next": second}}
        return httpx.Response(200, json=body)

    respx.get(f"{API}/tasks").mock(side_effect=answer)
    cards = await provider.list_cards("4")
    assert [c.name for c in cards] == ["Task 1 #1", "Task 2 #2", "Task 3 #3"]  # int numbers too


@respx.mock
@pytest.mark.asyncio
async def test_the_login_page_redirect_is_an_error_never_a_file(
    provider: ProductiveProvider, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    files = respx.get(url__startswith=f"{FILES}/attachments/").respond(
        302, headers={"Location": "https://app.productive.io/login"}
    )
    target = Attachment(
        id="1", name="file.pdf", card_id="8", content_type="application/pdf", size=3,
        download_url=FILE_URL,
    )  # fmt: skip
    with pytest.raises(StorageDenied, match="login"):
        await provider.download(target, tmp_path / "file.pdf")
    assert not (tmp_path / "file.pdf").exists()
    sent = str(files.calls.last.request.url)
    assert sent == f"{FILE_URL}&token={TOKEN}"  # the seed's shape: the url already has a "?"
    assert "X-Auth-Token" not in files.calls.last.request.headers  # a clean request
    assert TOKEN not in caplog.text


@respx.mock
@pytest.mark.asyncio
async def test_a_redirect_to_storage_is_followed_by_a_clean_request(
    provider: ProductiveProvider, tmp_path: Path
) -> None:
    stored = "https://productive-files-production.s3.eu-west-1.amazonaws.com/f.pdf?X-Amz-Date=20990101T000000Z&X-Amz-Expires=300&X-Amz-Signature=abc"
    respx.get(url__startswith=f"{FILES}/attachments/").respond(302, headers={"Location": stored})
    storage = respx.get(url__startswith=stored.split("?")[0]).respond(200, content=b"%PDF")
    target = Attachment(
        id="1", name="file.pdf", card_id="8", content_type="application/pdf", size=4,
        download_url=FILE_URL,
    )  # fmt: skip
    saved = await provider.download(target, tmp_path / "file.pdf")
    assert saved.read_bytes() == b"%PDF"
    request = storage.calls.last.request
    assert TOKEN not in str(request.url) and "X-Auth-Token" not in request.headers


@respx.mock
@pytest.mark.asyncio
async def test_an_html_page_in_place_of_the_file_is_an_error(
    provider: ProductiveProvider, tmp_path: Path
) -> None:
    respx.get(url__startswith=f"{FILES}/attachments/").respond(
        200, html="<html><body>Log in to Productive</body></html>"
    )
    target = Attachment(
        id="1", name="file.pdf", card_id="8", content_type="application/pdf", size=3,
        download_url=FILE_URL,
    )  # fmt: skip
    with pytest.raises(StorageDenied):
        await provider.download(target, tmp_path / "file.pdf")
    assert not (tmp_path / "file.pdf").exists()
