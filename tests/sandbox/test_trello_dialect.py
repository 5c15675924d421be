"""The Trello dialect under /1, checked from outside with plain httpx: Trello's shapes and words."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PIL import Image

from tests.support.sandbox import SandboxInfo
from tests.support.tenants import ModuleTenant
from tests.support.trello import TrelloCredentials, demo_credentials, fresh_token

QUERY_REFUSED = "auth in query params for attachments is not allowed"


@pytest.fixture(scope="module")
def demo(sandbox: SandboxInfo, trello_tenant: ModuleTenant) -> TrelloCredentials:
    """A member of this module's own copy of the demo tenant: what it uploads and deletes
    is seen by no other module."""
    return fresh_token(sandbox, tenant_id=trello_tenant.id, expiration="never")


def client(sandbox: SandboxInfo, credentials: TrelloCredentials | None) -> httpx.Client:
    headers = credentials.header if credentials else {}
    return httpx.Client(base_url=sandbox.base_url + "/1", headers=headers, timeout=30)


def board_cards(api: httpx.Client) -> list[dict[str, Any]]:
    boards = api.get("/members/me/boards").json()
    params = {"attachments": "true", "filter": "all"}
    cards: list[dict[str, Any]] = api.get(f"/boards/{boards[0]['id']}/cards", params=params).json()
    return cards


def plain_error(answer: httpx.Response, status: int, text: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text == text


def test_ready_line_hands_out_a_key_and_a_new_style_token(sandbox: SandboxInfo) -> None:
    demo = demo_credentials(sandbox)
    assert re.fullmatch(r"[0-9a-f]{32}", demo.key)
    assert re.fullmatch(r"ATTA[0-9a-f]{64}[0-9A-F]{8}", demo.token)


def test_header_or_query_auth_reads_the_member(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    with client(sandbox, demo) as api:
        me = api.get("/members/me").json()
    assert set(me) >= {"id", "username", "fullName", "avatarUrl", "url"}
    assert re.fullmatch(r"[0-9a-f]{24}", me["id"])
    by_query = httpx.get(
        sandbox.base_url + "/1/members/me", params={"key": demo.key, "token": demo.token}
    )
    assert by_query.json()["id"] == me["id"]


def test_refusals_are_trellos_plain_text(
    sandbox: SandboxInfo, demo: TrelloCredentials, trello_tenant: ModuleTenant
) -> None:
    me = sandbox.base_url + "/1/members/me"
    plain_error(httpx.get(me), 401, "invalid key")
    plain_error(httpx.get(me, params={"key": "0" * 32, "token": demo.token}), 401, "invalid key")
    plain_error(httpx.get(me, params={"key": demo.key, "token": "ATTA" + "0" * 72}), 401,
                "invalid token")  # fmt: skip
    expired = fresh_token(sandbox, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    plain_error(httpx.get(me, headers=expired.header), 401, "expired token")
    read_only = fresh_token(sandbox, scope="read", tenant_id=trello_tenant.id)
    with client(sandbox, read_only) as api:
        assert api.get("/members/me").status_code == 200
        card_id = board_cards(api)[0]["id"]
        answer = api.post(f"/cards/{card_id}/attachments", data={"url": "https://example.com/"})
    plain_error(answer, 401, "unauthorized permission requested")
    with client(sandbox, demo) as api:
        plain_error(api.get("/boards/nope/lists"), 400, "invalid id")
        plain_error(
            api.get(f"/boards/{'0' * 24}/lists"), 404, "The requested resource was not found."
        )


def test_token_info_then_revoke(sandbox: SandboxInfo) -> None:
    credentials = fresh_token(sandbox, expiration="30days")
    with client(sandbox, credentials) as api:
        info = api.get(f"/tokens/{credentials.token}").json()
        assert set(info) >= {"id", "identifier", "idMember", "dateCreated", "dateExpires"}
        expires = datetime.fromisoformat(info["dateExpires"])
        assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
        assert {"read": True, "write": True}.items() <= info["permissions"][0].items()
        assert api.delete(f"/tokens/{credentials.token}").status_code == 200
        plain_error(api.get("/members/me"), 401, "invalid token")


def test_closed_lists_and_cards_are_flagged_and_filtered(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    with client(sandbox, demo) as api:
        boards = api.get("/members/me/boards").json()
        assert {"id", "name", "closed", "url", "prefs"} <= set(boards[0])
        every_list = [
            x for b in boards for x in api.get(f"/boards/{b['id']}/lists?filter=all").json()
        ]
        open_lists = [x for b in boards for x in api.get(f"/boards/{b['id']}/lists").json()]
        cards = board_cards(api)
        visible = api.get(f"/boards/{boards[0]['id']}/cards").json()
    assert {"id", "name", "closed", "pos", "idBoard"} <= set(every_list[0])
    assert any(x["closed"] for x in every_list)
    assert not any(x["closed"] for x in open_lists)
    assert len(open_lists) < len(every_list)
    assert {"id", "name", "idBoard", "idList", "pos", "closed", "shortUrl", "url",
            "dateLastActivity", "badges", "attachments"} <= set(cards[0])  # fmt: skip
    assert any(c["closed"] for c in cards)
    assert len(visible) == len([c for c in cards if not c["closed"]])


def test_attachments_in_trellos_words(sandbox: SandboxInfo, demo: TrelloCredentials) -> None:
    with client(sandbox, demo) as api:
        attachments = [a for card in board_cards(api) for a in card["attachments"]]
    for item in attachments:
        assert {"id", "bytes", "date", "edgeColor", "fileName", "idMember", "isUpload",
                "mimeType", "name", "pos", "previews", "url"} <= set(item)  # fmt: skip
    link = next(a for a in attachments if not a["isUpload"])
    assert link["bytes"] is None and link["mimeType"] == "" and link["previews"] == []
    assert link["url"].startswith("https://example.com/")
    image = next(a for a in attachments if a["mimeType"] == "image/png")
    assert isinstance(image["bytes"], int)
    assert (image["name"], image["fileName"]) == ("Homepage hero.png", "Homepage_hero.png")
    assert "/download/" in image["url"] and "signature=" in image["url"]
    assert image["previews"], "images get previews"
    for preview in image["previews"]:
        assert {"_id", "id", "url", "width", "height", "bytes", "scaled"} <= set(preview)
        assert max(preview["width"], preview["height"]) <= 600


def test_downloads_want_the_header_or_the_signature(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    with client(sandbox, demo) as api:
        attachments = [a for card in board_cards(api) for a in card["attachments"]]
        image = next(a for a in attachments if a["mimeType"] == "image/png")
        route = urlsplit(image["url"]).path
        got = api.get(sandbox.base_url + route)
        head = api.head(sandbox.base_url + route)
        preview = api.get(image["previews"][0]["url"])
    for answer in (got, head):
        assert answer.status_code == 302
        location = answer.headers["location"]
        assert location.startswith(sandbox.s3_endpoint)
        assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["3600"]
    assert httpx.get(got.headers["location"]).content.startswith(b"\x89PNG")
    thumbnail = Image.open(io.BytesIO(httpx.get(preview.headers["location"]).content))
    assert thumbnail.format == "PNG"
    assert thumbnail.size == (image["previews"][0]["width"], image["previews"][0]["height"])

    url = sandbox.base_url + route
    plain_error(httpx.get(url, params={"key": demo.key, "token": demo.token}), 401, QUERY_REFUSED)
    plain_error(httpx.get(url, headers=demo.header, params={"token": demo.token}), 401,
                QUERY_REFUSED)  # fmt: skip
    plain_error(httpx.get(url), 401, "unauthorized permission requested")
    assert len(b"unauthorized permission requested") == 33  # the seed's 33 bytes
    signed = httpx.get(image["url"])  # no key, no token: the signature is enough
    assert signed.status_code == 302
    tampered = image["url"][:-1] + ("0" if image["url"][-1] != "0" else "1")
    plain_error(httpx.get(tampered), 401, "unauthorized permission requested")


def test_upload_link_and_delete(sandbox: SandboxInfo, demo: TrelloCredentials) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (800, 400), (200, 30, 30)).save(picture, format="PNG")
    with client(sandbox, demo) as api:
        card_id = board_cards(api)[0]["id"]
        uploaded = api.post(
            f"/cards/{card_id}/attachments",
            data={"name": "red.png", "mimeType": "image/png", "setCover": "false"},
            files={"file": ("red.png", picture.getvalue(), "image/png")},
        ).json()
        linked = api.post(
            f"/cards/{card_id}/attachments", data={"url": "https://example.com/x", "name": "X"}
        ).json()
        listed = api.get(f"/cards/{card_id}/attachments").json()
        assert {uploaded["id"], linked["id"]} <= {a["id"] for a in listed}
        for item in (uploaded, linked):
            gone = api.delete(f"/cards/{card_id}/attachments/{item['id']}")
            assert gone.status_code == 200
        after = {a["id"] for a in api.get(f"/cards/{card_id}/attachments").json()}
    assert uploaded["isUpload"] and uploaded["bytes"] == len(picture.getvalue())
    assert [(p["width"], p["height"]) for p in uploaded["previews"]] == [(150, 75), (600, 300)]
    assert linked["isUpload"] is False and linked["bytes"] is None
    assert not {uploaded["id"], linked["id"]} & after


def test_the_authorize_page_checks_the_return_url(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    page = sandbox.base_url + "/1/authorize"
    query = {"key": demo.key, "name": "T", "scope": "read,write", "expiration": "1day",
             "response_type": "token", "callback_method": "fragment"}  # fmt: skip
    bad_urls = (
        "https://evil.example/cb", "http://127.0.0.1/cb", "javascript:alert(1)",
        "http://localhost:9/x", "http://127.0.0.1:8788/cb", "https://127.0.0.1:8787/cb",
    )  # fmt: skip
    for bad in bad_urls:
        answer = httpx.get(page, params={**query, "return_url": bad})
        plain_error(
            answer,
            400,
            "Invalid return_url. The return URL should match the application's allowed origins.",
        )
    for good in ("http://127.0.0.1:8787/satchel/trello-callback", "http://localhost:8787/x"):
        assert httpx.get(page, params={**query, "return_url": good}).status_code == 200
    plain_error(httpx.get(page, params={**query, "key": "f" * 32}), 401, "invalid key")
    named = httpx.get(page, params={**query, "name": "<script>x</script>", "return_url": good})
    assert "<script>x" not in named.text


def test_the_101st_request_in_10_seconds_is_refused(sandbox: SandboxInfo) -> None:
    credentials = fresh_token(sandbox)
    with client(sandbox, credentials) as api:
        answers = [api.get("/members/me").status_code for _ in range(100)]
        refused = api.get("/members/me")
    assert answers == [200] * 100
    assert refused.status_code == 429
    assert refused.json() == {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
    with client(sandbox, demo_credentials(sandbox)) as other:
        assert other.get("/members/me").status_code == 200  # the budget is per token
