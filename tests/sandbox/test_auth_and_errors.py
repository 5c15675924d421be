"""Who may do what: 401, 403 and 404 as the wire contract says, checked from outside."""

from __future__ import annotations

import secrets

import httpx
import pytest

from satchel.sandbox.store import Store
from tests.sandbox.bearer_helpers import (
    all_attachments,
    all_cards,
    api_client,
    assert_problem,
    first_card_id,
)
from tests.support.sandbox import SandboxInfo


def test_me_tells_tenant_scope_and_limits(sandbox: SandboxInfo, rw_key: str, ro_key: str) -> None:
    with api_client(sandbox, rw_key) as client:
        me = client.get("/me").json()
    assert me["tenant"]["name"] == sandbox.tenants[0]["name"]
    assert me["scope"] == "read_write"
    assert me["limits"] == {"max_upload_size": 5 * 1024**3}
    with api_client(sandbox, ro_key) as client:
        assert client.get("/me").json()["scope"] == "read"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-key",
        "Bearer ixk_short",
        "Bearer ixk_" + "a" * 40 + " extra",
    ],
    ids=["missing", "empty", "no-token", "basic", "not-ixk", "short", "two-words"],
)
def test_missing_or_malformed_key_is_401(sandbox: SandboxInfo, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = httpx.get(sandbox.api + "/me", headers=headers)
    assert_problem(answer, 401, "unauthorized")
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_unknown_key_is_401(sandbox: SandboxInfo) -> None:
    with api_client(sandbox, "ixk_" + secrets.token_urlsafe(30)) as client:
        assert_problem(client.get("/boards"), 401, "unauthorized")


def test_revoked_key_is_401_at_once(sandbox: SandboxInfo) -> None:
    """The key is made and revoked by another process: the service must not cache keys."""
    with Store(sandbox.data_dir / "satchel.db") as store:
        tenant = next(t for t in store.tenants() if t.name == sandbox.tenants[0]["name"])
        key = store.create_key(tenant.id, "read_write")
        with api_client(sandbox, key) as client:
            assert client.get("/me").status_code == 200
            store.revoke_key(key)
            assert_problem(client.get("/me"), 401, "unauthorized")


def test_workspace_without_api_access_is_403_forbidden(sandbox: SandboxInfo) -> None:
    with Store(sandbox.data_dir / "satchel.db") as store:
        tenant = store.create_tenant("No API Inc.", api_access=False)
        key = store.create_key(tenant.id, "read_write")
    with api_client(sandbox, key) as client:
        assert_problem(client.get("/boards"), 403, "forbidden")


def test_unknown_route_checks_the_key_first(sandbox: SandboxInfo, rw_key: str) -> None:
    assert_problem(httpx.get(sandbox.api + "/no/such/route"), 401, "unauthorized")
    with api_client(sandbox, rw_key) as client:
        assert_problem(client.get("/no/such/route"), 404, "not_found")
        assert_problem(client.get("/boards/"), 404, "not_found")


def test_read_key_cannot_write(sandbox: SandboxInfo, rw_key: str, ro_key: str) -> None:
    with api_client(sandbox, rw_key) as writer:
        card_id = first_card_id(writer)
        attachment_id = all_attachments(writer)[0]["id"]
    with api_client(sandbox, ro_key) as reader:
        body = {"name": "a.txt", "content_type": "text/plain", "size": 1}
        assert_problem(reader.post("/attachments", json=body), 403, "insufficient_scope")
        assert_problem(
            reader.patch(f"/attachments/{attachment_id}", json={"location": "http://x/y"}),
            403,
            "insufficient_scope",
        )
        assert_problem(reader.delete(f"/attachments/{attachment_id}"), 403, "insufficient_scope")
        assert_problem(
            reader.post(f"/cards/{card_id}/attachments", json={"attachment_id": attachment_id}),
            403,
            "insufficient_scope",
        )
        # Reading is fine, and nothing was deleted.
        assert reader.get(f"/attachments/{attachment_id}").status_code == 200


def test_another_tenants_objects_do_not_exist(
    sandbox: SandboxInfo, rw_key: str, other_rw_key: str
) -> None:
    with api_client(sandbox, other_rw_key) as other:
        board_id = other.get("/boards").json()["data"][0]["id"]
        list_id = other.get(f"/boards/{board_id}/lists").json()["data"][0]["id"]
        card_id = all_cards(other)[0]["id"]
        attachment_id = all_attachments(other)[0]["id"]
    with api_client(sandbox, rw_key) as client:
        own_ids = {board["id"] for board in client.get("/boards").json()["data"]}
        assert board_id not in own_ids
        for path in (
            f"/boards/{board_id}/lists",
            f"/lists/{list_id}/cards",
            f"/cards/{card_id}/attachments",
            f"/attachments/{attachment_id}",
            f"/attachments/{attachment_id}/download",
        ):
            assert_problem(client.get(path), 404, "not_found")
        assert client.head(f"/attachments/{attachment_id}/download").status_code == 404
        assert_problem(client.delete(f"/attachments/{attachment_id}"), 404, "not_found")
        own_attachment = all_attachments(client)[0]["id"]
        assert_problem(
            client.post(f"/cards/{card_id}/attachments", json={"attachment_id": own_attachment}),
            404,
            "not_found",
        )
        own_card = first_card_id(client)
        assert_problem(
            client.post(f"/cards/{own_card}/attachments", json={"attachment_id": attachment_id}),
            404,
            "not_found",
        )
    with api_client(sandbox, other_rw_key) as other:
        assert other.get(f"/attachments/{attachment_id}").status_code == 200  # untouched


def test_wrong_method_is_a_problem_too(sandbox: SandboxInfo, rw_key: str) -> None:
    with api_client(sandbox, rw_key) as client:
        answer = client.put("/boards")
    assert_problem(answer, 405, "method_not_allowed")
    assert "GET" in answer.headers["allow"]
