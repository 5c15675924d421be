"""The Trello dialect as strict as Trello (PROTOCOLS.md §1): ids, field sets, filters,
paging, per-item 401s, the web host of attachment urls, and each workspace's limit."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from satchel.sandbox.store import Store
from satchel.sandbox.trello.ids import TrelloIds
from tests.sandbox.test_trello_dialect import client, plain_error
from tests.support.sandbox import SandboxInfo
from tests.support.trello import TrelloCredentials, demo_credentials

OBJECT_ID = re.compile(r"[0-9a-f]{24}")
UNAUTHORIZED = "unauthorized permission requested"
BOARD_DEFAULTS = {"id", "name", "desc", "descData", "closed", "idOrganization", "idEnterprise",
                  "pinned", "url", "shortUrl", "shortLink", "prefs", "labelNames",
                  "dateLastActivity"}  # fmt: skip
LIST_DEFAULTS = {"id", "name", "closed", "pos", "idBoard", "subscribed", "softLimit"}
CARD_DEFAULTS = {"id", "badges", "checkItemStates", "closed", "dueComplete", "dateLastActivity",
                 "desc", "descData", "due", "dueReminder", "email", "idBoard", "idChecklists",
                 "idList", "idMembers", "idMembersVoted", "idShort", "idAttachmentCover",
                 "labels", "idLabels", "manualCoverAttachment", "name", "pos", "shortLink",
                 "shortUrl", "start", "subscribed", "url", "cover", "isTemplate",
                 "cardRole"}  # fmt: skip


@pytest.fixture(scope="module")
def demo(sandbox: SandboxInfo) -> TrelloCredentials:
    return demo_credentials(sandbox)


def board_named(api: httpx.Client, name: str) -> dict[str, Any]:
    boards: list[dict[str, Any]] = api.get("/members/me/boards").json()
    return next(b for b in boards if b["name"] == name)


def test_ids_and_default_field_sets(sandbox: SandboxInfo, demo: TrelloCredentials) -> None:
    with client(sandbox, demo) as api:
        board = board_named(api, "Website Relaunch")
        lists = api.get(f"/boards/{board['id']}/lists/").json()  # a trailing slash is fine
        cards = api.get(f"/boards/{board['id']}/cards/").json()
        by_short_link = api.get(f"/boards/{board['shortLink']}").json()
    assert OBJECT_ID.fullmatch(board["id"]) and re.fullmatch(r"[0-9A-Za-z]{8}", board["shortLink"])
    assert set(board) >= BOARD_DEFAULTS and by_short_link["id"] == board["id"]
    assert all(set(x) == LIST_DEFAULTS for x in lists)
    assert cards and all(set(card) >= CARD_DEFAULTS for card in cards)
    assert all(OBJECT_ID.fullmatch(c["id"]) and c["idBoard"] == board["id"] for c in cards)
    assert {c["idList"] for c in cards} <= {x["id"] for x in lists}


def test_exactly_the_asked_fields(sandbox: SandboxInfo, demo: TrelloCredentials) -> None:
    with client(sandbox, demo) as api:
        board = board_named(api, "Website Relaunch")
        params = {"fields": "name,idList", "attachments": "true",
                  "attachment_fields": "name,bytes,fileName"}  # fmt: skip
        cards = api.get(f"/boards/{board['id']}/cards", params=params).json()
        lists = api.get(f"/boards/{board['id']}/lists", params={"fields": "name"}).json()
        card_id = cards[0]["id"]
        attachments = api.get(f"/cards/{card_id}/attachments", params={"fields": "url"}).json()
    assert all(set(card) == {"id", "name", "idList", "attachments"} for card in cards)
    every = [a for card in cards for a in card["attachments"]]
    assert every and all(set(a) == {"id", "name", "bytes", "fileName"} for a in every)
    assert all(set(x) == {"id", "name"} for x in lists)
    assert all(set(a) == {"id", "url"} for a in attachments)


def test_unknown_filters_and_limits_are_refused(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    with client(sandbox, demo) as api:
        board = board_named(api, "Website Relaunch")["id"]
        for path in ("/members/me/boards", f"/boards/{board}/lists", f"/boards/{board}/cards"):
            plain_error(
                api.get(path, params={"filter": "archived"}), 400, "invalid value for filter"
            )
        plain_error(api.get(f"/boards/{board}/cards", params={"limit": 1001}), 400,
                    "invalid value for limit")  # fmt: skip
        plain_error(api.get(f"/boards/{board}/cards", params={"before": "x"}), 400,
                    "invalid value for before")  # fmt: skip
        plain_error(api.get("/boards/not-an-id/cards"), 400, "invalid id")


def test_cards_page_newest_first_with_limit_before_and_since(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    with client(sandbox, demo) as api:
        path = f"/boards/{board_named(api, 'Website Relaunch')['id']}/cards"
        every = sorted((c["id"] for c in api.get(path, params={"filter": "all"}).json()),
                       reverse=True)  # fmt: skip
        first = api.get(path, params={"filter": "all", "limit": 2}).json()
        second = api.get(path, params={"filter": "all", "limit": 2, "before": first[-1]["id"]})
        newer = api.get(path, params={"filter": "all", "since": every[2]}).json()
        visible = api.get(path, params={"limit": 1000}).json()
    assert len(every) >= 5
    assert [c["id"] for c in first] == every[:2]
    assert [c["id"] for c in second.json()] == every[2:4]
    assert [c["id"] for c in newer] == every[:2]
    assert len(visible) == len(every) - 1  # the archived card stays out by default


def test_other_members_items_are_not_allowed_and_the_token_still_works(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    with Store(sandbox.data_dir / "satchel.db") as store:
        ids = TrelloIds(store)
        other = store.tenants()[1].id
        board = store.boards(other).items[0]
        board_list = store.lists(other, board.id).items[0]
        card = store.cards(other, board_list.id).items[0]
        foreign = {
            "board": ids.out(board.id, board.created_at),
            "card": ids.out(card.id, card.created_at),
        }
    with client(sandbox, demo) as api:
        plain_error(api.get(f"/boards/{foreign['board']}/lists"), 401, UNAUTHORIZED)
        plain_error(api.get(f"/boards/{foreign['board']}/cards"), 401, UNAUTHORIZED)
        plain_error(api.get(f"/cards/{foreign['card']}/attachments"), 401, UNAUTHORIZED)
        answer = api.post(f"/cards/{foreign['card']}/attachments", data={"url": "https://a.b/"})
        plain_error(answer, 401, UNAUTHORIZED)
        assert api.get("/members/me").status_code == 200  # the sign-in itself is fine


def test_attachment_urls_live_on_a_web_host_that_refuses_api_credentials(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    web = sandbox.ready["trello"]["web_url"]
    assert urlsplit(web).netloc != urlsplit(sandbox.base_url).netloc
    with client(sandbox, demo) as api:
        board = board_named(api, "Website Relaunch")["id"]
        cards = api.get(f"/boards/{board}/cards", params={"attachments": "true"}).json()
    image = next(a for c in cards for a in c["attachments"] if a["mimeType"] == "image/png")
    assert image["url"].startswith(web + "/1/cards/")
    assert httpx.get(image["url"]).status_code == 302  # its signature is good for an hour
    plain_error(httpx.get(image["url"], headers=demo.header), 401, UNAUTHORIZED)
    route = urlsplit(image["url"]).path  # the same route on the API host, with the header
    assert httpx.get(sandbox.base_url + route, headers=demo.header).status_code == 302


def test_a_free_workspace_takes_files_up_to_10_mb(
    sandbox: SandboxInfo, demo: TrelloCredentials
) -> None:
    with client(sandbox, demo) as api:
        board = board_named(api, "Brand Assets")["id"]
        card = api.get(f"/boards/{board}/cards").json()[0]["id"]
        just_over = api.post(
            f"/cards/{card}/attachments", files={"file": ("big.bin", b"x" * 10_000_001)}
        )
        far_over = api.post(
            f"/cards/{card}/attachments", files={"file": ("big.bin", b"x" * 10_100_000)}
        )
        after = api.get(f"/cards/{card}/attachments").json()
    plain_error(just_over, 400, "file too large for this workspace's plan")
    plain_error(far_over, 413, "request entity too large")
    assert all(a["name"] != "big.bin" for a in after)
