"""Upload, download, share links and previews against the real API's documented answers (respx)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import respx

from satchel.domain.errors import PermissionDenied, Rejected, StorageError
from satchel.domain.model import Attachment, FileToSend
from satchel.providers.pacing import Pacer
from satchel.providers.retries import RetryPolicy
from satchel.providers.trello import TrelloProvider
from satchel.providers.trello_wire import read_attachment
from tests.providers import trello_payloads as p

pytestmark = pytest.mark.asyncio

S3_HOST = "https://trello-attachments.s3.amazonaws.com"
CONTENT = bytes(range(256)) * 356 + b"x" * 67  # 91203 bytes, the attachment's size


@pytest.fixture
def trello() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def provider() -> TrelloProvider:
    return TrelloProvider(
        p.API, p.KEY, p.NEW_TOKEN, pacers=(Pacer(1000, 1.0),), backoff=RetryPolicy(base_delay=0.01)
    )


def image() -> Attachment:
    return read_attachment(p.file_attachment(), p.CARD_ID)


def assert_clean(request: httpx.Request) -> None:
    """A request to storage: no credential of any kind, anywhere."""
    assert "authorization" not in request.headers
    seen = str(request.url) + str(request.headers.raw)
    assert p.NEW_TOKEN not in seen and p.KEY not in seen


async def test_download_asks_the_route_then_fetches_cleanly(
    trello: respx.MockRouter, tmp_path: Path
) -> None:
    route = trello.get(p.API + p.DOWNLOAD_PATH).respond(302, headers={"Location": p.S3_LOCATION})
    s3 = trello.get(url__startswith=S3_HOST).respond(200, content=CONTENT)
    async with provider() as trello_provider:
        saved = await trello_provider.download(image(), tmp_path / "shot.png")
    assert saved.read_bytes() == CONTENT
    route_request = route.calls.last.request
    assert route_request.url.host == "api.trello.com"  # the route, on the API host
    assert route_request.headers["authorization"].startswith("OAuth oauth_consumer_key=")
    assert not route_request.url.params
    assert_clean(s3.calls.last.request)


async def test_the_share_link_is_the_preflights_location(trello: respx.MockRouter) -> None:
    trello.head(p.API + p.DOWNLOAD_PATH).respond(302, headers={"Location": p.S3_LOCATION})
    async with provider() as trello_provider:
        link = await trello_provider.resolve_download(image())
    assert link.url == p.S3_LOCATION
    assert link.expires_at == datetime(2030, 1, 1, 13, tzinfo=UTC)  # X-Amz-Date + 3600 s


async def test_a_location_that_does_not_say_lives_one_hour(trello: respx.MockRouter) -> None:
    plain = "https://files.example.net/abc/shot.png"
    trello.head(p.API + p.DOWNLOAD_PATH).respond(302, headers={"Location": plain})
    async with provider() as trello_provider:
        link = await trello_provider.resolve_download(image())
    left = link.expires_at - datetime.now(UTC)
    assert timedelta(minutes=59) < left <= timedelta(hours=1)


@pytest.mark.parametrize(
    "head_answer",
    [
        httpx.Response(405, text="Method Not Allowed"),
        httpx.Response(404, text="Cannot HEAD"),
        httpx.Response(200, headers={"Content-Type": "image/png"}),
    ],
    ids=["405", "404", "200-without-location"],
)
async def test_without_head_a_get_that_does_not_follow(
    trello: respx.MockRouter, head_answer: httpx.Response
) -> None:
    head = trello.head(p.API + p.DOWNLOAD_PATH).mock(return_value=head_answer)
    get = trello.get(p.API + p.DOWNLOAD_PATH).respond(
        302, headers={"Location": p.S3_LOCATION}, content=b"<html>Found</html>" * 1000
    )
    s3 = trello.get(url__startswith=S3_HOST)
    async with provider() as trello_provider:
        first = await trello_provider.resolve_download(image())
        second = await trello_provider.resolve_download(image())
    assert first.url == second.url == p.S3_LOCATION
    assert head.call_count == 1  # then GET straight away
    assert get.call_count == 2
    assert not s3.called  # the redirect was not followed
    assert get.calls.last.request.headers["authorization"].startswith("OAuth ")


async def test_an_error_body_is_never_saved_as_the_file(
    trello: respx.MockRouter, tmp_path: Path
) -> None:
    route = trello.get(p.API + p.DOWNLOAD_PATH)
    route.respond(401, text="unauthorized permission requested")
    async with provider() as trello_provider:
        with pytest.raises(PermissionDenied, match="stays signed in"):
            await trello_provider.download(image(), tmp_path / "shot.png")
    route.respond(302, headers={"Location": p.S3_LOCATION})
    trello.get(url__startswith=S3_HOST).respond(
        403, text="<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
    )
    async with provider() as trello_provider:
        with pytest.raises(StorageError):
            await trello_provider.download(image(), tmp_path / "shot.png")
    assert list(tmp_path.iterdir()) == []


async def test_previews_come_through_their_own_route(
    trello: respx.MockRouter, tmp_path: Path
) -> None:
    small = image().previews[0]
    path = f"/1/cards/{p.CARD_ID}/attachments/{p.FILE_ID}/previews/{p.PREVIEW_SMALL}/download/"
    route = trello.head(p.API + path + p.FILE_NAME).respond(
        302, headers={"Location": f"{S3_HOST}/previews/70x50.png"}
    )
    s3 = trello.get(f"{S3_HOST}/previews/70x50.png").respond(200, content=b"p" * 4583)
    async with provider() as trello_provider:
        saved = await trello_provider.download_preview(image(), small, tmp_path / "thumb.png")
    assert saved.stat().st_size == 4583
    assert route.calls.last.request.headers["authorization"].startswith("OAuth ")
    assert_clean(s3.calls.last.request)


async def test_upload_is_one_streamed_multipart_post(
    trello: respx.MockRouter, tmp_path: Path
) -> None:
    source = tmp_path / "notes.md"
    source.write_bytes(b"# Notes\n" * 4000)
    answer = {**p.file_attachment(), "name": "notes.md", "fileName": "notes.md",
              "mimeType": "text/markdown", "bytes": 32000, "previews": []}  # fmt: skip
    # A 429 and the whole body sent again: tests/sandbox/test_rate_limit_answers.py.
    route = trello.post(f"{p.API}/1/cards/{p.CARD_ID}/attachments").respond(200, json=answer)
    progress: list[tuple[int, int]] = []
    async with provider() as trello_provider:
        attachment = await trello_provider.upload(
            p.CARD_ID, FileToSend.of(source), lambda done, total: progress.append((done, total))
        )
    assert attachment.card_id == p.CARD_ID and attachment.size == 32000
    assert route.call_count == 1
    sent = route.calls.last.request
    body = sent.content
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert sent.headers["authorization"].startswith("OAuth ")
    order = [body.index(f'name="{field}"'.encode()) for field in ("name", "mimeType", "setCover")]
    assert order == sorted(order) and order[-1] < body.index(b'name="file"; filename="notes.md"')
    assert b"text/markdown" in body and body.count(b"# Notes\n") == 4000
    assert progress[-1] == (32000, 32000)


async def test_delete_revoke_and_sign_out(trello: respx.MockRouter) -> None:
    delete = trello.delete(f"{p.API}/1/cards/{p.CARD_ID}/attachments/{p.FILE_ID}").respond(
        json={"limits": {}}
    )
    revoke = trello.delete(f"{p.API}/1/tokens/{p.NEW_TOKEN}")
    revoke.side_effect = [httpx.Response(200, json={"_value": None}),
                          httpx.Response(401, text="invalid token")]  # fmt: skip
    async with provider() as trello_provider:
        await trello_provider.delete(image())
        await trello_provider.sign_out()
        await trello_provider.sign_out()  # already revoked: still signed out, no error
    assert delete.called and revoke.call_count == 2


async def test_an_attachment_found_by_its_id_alone(trello: respx.MockRouter) -> None:
    trello.get(f"{p.API}/1/members/me/boards").respond(json=[p.board()])
    trello.get(f"{p.API}/1/boards/{p.BOARD_ID}/lists").respond(json=[p.board_list()])
    trello.get(f"{p.API}/1/boards/{p.BOARD_ID}/cards").respond(
        json=[p.card(attachments=[p.file_attachment()])]
    )
    one = trello.get(f"{p.API}/1/cards/{p.CARD_ID}/attachments/{p.LINK_ID}").respond(
        json=p.link_attachment()
    )
    async with provider() as trello_provider:
        found = await trello_provider.get_attachment(p.FILE_ID)
        link = await trello_provider.get_attachment(f"{p.CARD_ID}/{p.LINK_ID}")
        assert trello_provider.permanent_link(found) == f"https://trello.com{p.DOWNLOAD_PATH}"
        assert trello_provider.permanent_link(link) == "https://docs.example.com/spec"
    assert found.card_id == p.CARD_ID and found.size == 91203
    assert link.is_link and one.called


async def test_a_route_that_answers_the_bytes_itself(
    trello: respx.MockRouter, tmp_path: Path
) -> None:
    route = trello.get(p.API + p.DOWNLOAD_PATH).respond(200, content=CONTENT)
    storage = trello.get(url__startswith=S3_HOST)
    async with provider() as trello_provider:
        saved = await trello_provider.download(image(), tmp_path / "shot.png")
        with pytest.raises(Rejected, match="no link to share"):
            trello.head(p.API + p.DOWNLOAD_PATH).respond(405)
            await trello_provider.resolve_download(image())
    assert saved.read_bytes() == CONTENT
    assert route.calls[0].request.headers["authorization"].startswith("OAuth ")
    assert not storage.called


@pytest.mark.parametrize(
    ("status", "text"), [(405, ""), (401, "unauthorized permission requested")]
)
async def test_a_refused_head_falls_back_to_a_get_not_followed(
    trello: respx.MockRouter, status: int, text: str
) -> None:
    head = trello.head(p.API + p.DOWNLOAD_PATH).respond(status, text=text)
    get = trello.get(p.API + p.DOWNLOAD_PATH).respond(302, headers={"Location": p.S3_LOCATION})
    async with provider() as trello_provider:
        link = await trello_provider.resolve_download(image())
        again = await trello_provider.resolve_download(image())
    assert link.url == again.url == p.S3_LOCATION
    assert head.call_count == 1 and get.call_count == 2  # HEAD is not asked twice


async def test_a_web_host_url_goes_to_the_api_host(
    trello: respx.MockRouter, tmp_path: Path
) -> None:
    web = trello.get(url__startswith="https://trello.com/")
    trello.head(p.API + p.DOWNLOAD_PATH).respond(302, headers={"Location": p.S3_LOCATION})
    attachment = image()
    assert attachment.download_url is not None and "//trello.com/" in attachment.download_url
    async with provider() as trello_provider:
        await trello_provider.resolve_download(attachment)
    assert not web.called
