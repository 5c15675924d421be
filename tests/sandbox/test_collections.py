"""Collections: shapes, creation order, and paging with limit and cursor."""

from __future__ import annotations

import re

import pytest

from tests.sandbox.bearer_helpers import all_items, api_client, assert_problem
from tests.support.sandbox import SandboxInfo

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_tree_has_the_contract_shapes(sandbox: SandboxInfo, ro_key: str) -> None:
    with api_client(sandbox, ro_key) as client:
        boards = client.get("/boards").json()
        assert set(boards) == {"data", "next"}
        board = boards["data"][0]
        assert set(board) == {"id", "name", "created_at", "updated_at"}
        lists = all_items(client, f"/boards/{board['id']}/lists")
        assert [x["position"] for x in lists] == list(range(len(lists)))
        board_list = lists[0]
        assert set(board_list) == {"id", "name", "board_id", "position", "created_at", "updated_at"}
        assert board_list["board_id"] == board["id"]
        card = all_items(client, f"/lists/{board_list['id']}/cards")[0]
        assert set(card) == {"id", "name", "list_id", "board_id", "created_at", "updated_at"}
        assert (card["list_id"], card["board_id"]) == (board_list["id"], board["id"])
        attachment = all_items(client, f"/cards/{card['id']}/attachments")[0]
    assert set(attachment) == {
        "id", "name", "content_type", "size", "created_at", "updated_at", "card_id",
        "state", "kind", "url", "download_url",
    }  # fmt: skip
    assert attachment["download_url"] == (
        f"{sandbox.base_url}/api/v1/attachments/{attachment['id']}/download"
    )
    for item in (board, board_list, card, attachment):
        assert UUID4.fullmatch(item["id"])
        assert ISO_UTC.fullmatch(item["created_at"])
        assert ISO_UTC.fullmatch(item["updated_at"])


def test_limit_and_cursor_walk_every_item_once_in_creation_order(
    sandbox: SandboxInfo, ro_key: str
) -> None:
    with api_client(sandbox, ro_key) as client:
        board_id = client.get("/boards").json()["data"][0]["id"]
        path = f"/boards/{board_id}/lists"
        everything = client.get(path).json()["data"]
        assert len(everything) > 2
        seen = []
        answer = client.get(path, params={"limit": 2}).json()
        pages = 1
        seen += answer["data"]
        while answer["next"] is not None:
            assert len(answer["data"]) == 2
            answer = client.get(path, params={"limit": 2, "cursor": answer["next"]}).json()
            seen += answer["data"]
            pages += 1
        assert seen == everything
        assert pages == -(-len(everything) // 2)
        assert [x["created_at"] for x in seen] == sorted(x["created_at"] for x in seen)
        boards = client.get("/boards", params={"limit": 1}).json()
        assert len(boards["data"]) == 1
        assert isinstance(boards["next"], str)


@pytest.mark.parametrize("limit", ["0", "501", "-1", "abc", "1.5", ""])
def test_bad_limit_is_422(sandbox: SandboxInfo, ro_key: str, limit: str) -> None:
    with api_client(sandbox, ro_key) as client:
        assert_problem(client.get("/boards", params={"limit": limit}), 422, "validation_failed")


def test_limit_bounds_are_accepted(sandbox: SandboxInfo, ro_key: str) -> None:
    with api_client(sandbox, ro_key) as client:
        assert client.get("/boards", params={"limit": 1}).status_code == 200
        assert client.get("/boards", params={"limit": 500}).status_code == 200


@pytest.mark.parametrize("cursor", ["zzz", "", "YWZ0ZXI6LTE", "not a cursor!"])
def test_bad_cursor_is_422(sandbox: SandboxInfo, ro_key: str, cursor: str) -> None:
    with api_client(sandbox, ro_key) as client:
        assert_problem(client.get("/boards", params={"cursor": cursor}), 422, "validation_failed")


def test_unknown_parent_is_404(sandbox: SandboxInfo, ro_key: str) -> None:
    unknown = "123e4567-e89b-42d3-a456-426614174000"
    with api_client(sandbox, ro_key) as client:
        for path in ("/boards/{}/lists", "/lists/{}/cards", "/cards/{}/attachments"):
            assert_problem(client.get(path.format(unknown)), 404, "not_found")
