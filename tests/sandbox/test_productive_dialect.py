"""The Productive dialect under /api/v2, checked from outside with plain httpx."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.productive import ProductiveDemo, demo_of
from tests.support.sandbox import SandboxInfo, start_sandbox

MEDIA = "application/vnd.api+json"


@pytest.fixture(scope="module")
def demo(productive_org: ProductiveDemo) -> ProductiveDemo:
    """This module's own organization: its uploads, links and deletes change no other's."""
    return productive_org


@pytest.fixture
def api(demo: ProductiveDemo) -> Iterator[httpx.Client]:
    with demo.client() as client:
        yield client


def first_error(answer: httpx.Response) -> dict[str, Any]:
    errors: list[dict[str, Any]] = answer.json()["errors"]
    return errors[0]


def test_ready_line_names_the_organization_tokens_and_hosts(sandbox: SandboxInfo) -> None:
    demo = demo_of(sandbox)
    assert demo.organization_id.isdigit()
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.fullmatch(uuid, demo.token)
    assert re.fullmatch(uuid, demo.read_only_token)
    assert demo.storage_url.startswith("http://127.0.0.1:")
    assert demo.files_url.startswith("http://127.0.0.1:")
    assert demo.files_url.split(":")[-1] != demo.api_url.split(":")[-1].split("/")[0]


def test_every_request_needs_the_media_type_a_token_and_its_organization(
    demo: ProductiveDemo,
) -> None:
    with httpx.Client(base_url=demo.api_url, timeout=30) as raw:
        good = {"X-Auth-Token": demo.token, "X-Organization-Id": demo.organization_id}
        answer = raw.get("/projects", headers=good)  # no Content-Type, even on a GET
        assert answer.status_code == 415
        assert first_error(answer)["title"] == "Unsupported Media Type"
        answer = raw.get("/projects", headers={**good, "Content-Type": "application/json"})
        assert answer.status_code == 415
        media = {"Content-Type": MEDIA}
        answer = raw.get("/projects", headers={**media, "X-Organization-Id": demo.organization_id})
        assert answer.status_code == 401
        assert first_error(answer) == {
            "status": 401, "title": "Unauthenticated", "detail": "You are not authenticated",
        }  # fmt: skip
        answer = raw.get("/projects", headers={**media, **good, "X-Auth-Token": "nope"})
        assert answer.status_code == 401
        answer = raw.get("/projects", headers={**media, **good, "X-Organization-Id": "99999"})
        assert answer.status_code == 403
        assert first_error(answer)["title"] == "Access Denied"
        assert raw.get("/projects", headers={**media, **good}).status_code == 200


def test_a_read_only_token_reads_but_may_not_write(demo: ProductiveDemo) -> None:
    with demo.client(demo.read_only_token) as reader:
        assert reader.get("/tasks").status_code == 200
        body = {"data": {"type": "attachments", "attributes": {"name": "a.txt", "size": 1}}}
        answer = reader.post("/attachments", json=body)
        assert answer.status_code == 403
        assert first_error(answer)["status"] == 403


def test_filters_include_and_sparse_fields(api: httpx.Client) -> None:
    projects = api.get("/projects", params={"filter[status]": "1"}).json()["data"]
    assert {p["attributes"]["name"] for p in projects} == {"Spring Campaign", "Research Lab"}
    archived = api.get("/projects", params={"filter[status]": "2"}).json()["data"]
    assert [p["attributes"]["name"] for p in archived] == ["Old website"]
    project_id = projects[0]["id"]
    boards = api.get(
        "/boards", params={"filter[project_id]": project_id, "include": "project"}
    ).json()
    assert {b["attributes"]["name"] for b in boards["data"]} == {"Design", "Launch"}
    assert boards["data"][0]["relationships"]["project"]["data"] == {
        "type": "projects", "id": project_id,
    }  # fmt: skip
    assert boards["included"][0]["attributes"]["name"] == "Spring Campaign"
    folders = api.get("/folders", params={"filter[project_id]": project_id}).json()["data"]
    assert [f["id"] for f in folders] == [b["id"] for b in boards["data"]]
    lists = api.get("/task_lists", params={"filter[folder_id]": folders[0]["id"]}).json()
    tasks = api.get(
        "/tasks",
        params={
            "filter[task_list_id]": lists["data"][0]["id"],
            "fields[tasks]": "title,task_number",
        },
    ).json()["data"]
    assert set(tasks[0]["attributes"]) == {"title", "task_number"}
    assert tasks[0]["relationships"] == {}  # sparse fields cut relationships too
    plain = api.get("/tasks", params={"filter[task_list_id]": lists["data"][0]["id"]}).json()
    assert plain["data"][0]["relationships"]["attachments"] == {"meta": {"included": False}}


def test_unknown_filter_sort_or_include_is_400(api: httpx.Client) -> None:
    for params, title in [
        ({"filter[colour]": "red"}, "Unsupported Filter"),
        ({"sort": "colour"}, "Unsupported Sort"),
        ({"include": "colour"}, "Unsupported Include"),
    ]:
        answer = api.get("/tasks", params=params)
        assert answer.status_code == 400
        assert first_error(answer)["title"] == title
        assert first_error(answer)["status"] == "400"  # a string here, an int elsewhere


def test_pages_default_to_30_clamp_at_200_and_count(api: httpx.Client) -> None:
    meta = api.get("/attachments").json()["meta"]
    assert meta["page_size"] == 30
    clamped = api.get("/attachments", params={"page[size]": "1000"}).json()
    assert clamped["meta"]["page_size"] == 200
    total = clamped["meta"]["total_count"]
    assert total == len(clamped["data"]) > 10
    pages = api.get("/attachments", params={"page[size]": "4", "page[number]": "2"}).json()
    assert pages["meta"]["total_pages"] == -(-total // 4)
    assert pages["meta"]["current_page"] == 2
    assert "page%5Bnumber%5D=3" in pages["links"]["next"]


def test_cursor_pages_follow_links_next_without_totals(api: httpx.Client) -> None:
    seen: list[str] = []
    url: str | None = "/attachments?page[after]=&page[size]=5"
    while url:
        body = api.get(url).json()
        assert "total_count" not in body["meta"]
        seen += [item["id"] for item in body["data"]]
        url = body.get("links", {}).get("next")
    every = api.get("/attachments", params={"page[size]": "200"}).json()["data"]
    assert seen == [item["id"] for item in every]
    answer = api.get("/attachments", params={"page[after]": "garbage!"})
    assert answer.status_code == 400
    assert first_error(answer)["code"].startswith("keyset")


def _policy(fields: dict[str, str]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(fields["policy"]))
    return decoded


def test_the_four_steps_with_a_real_policy_then_replace_and_soft_delete(
    demo: ProductiveDemo, api: httpx.Client
) -> None:
    task = demo.task_id(api, "Brand copy")
    before = demo.attachment_ids(api, task)
    created = demo.create(api, "Notes – ü.txt", b"hello world")
    fields = created["attributes"]["aws_policy"]
    assert fields["Content-Type"] == "text/plain"
    conditions = _policy(fields)["conditions"]
    assert ["content-length-range", 11, 11] in conditions
    with httpx.Client(timeout=30) as storage:
        too_big = storage.post(
            demo.storage_url, data=fields, files={"file": ("x", b"hello world!")}
        )
        assert too_big.status_code == 400  # the policy fixes the size
        other_key = {**fields, "key": fields["key"] + "-other"}
        assert (
            storage.post(
                demo.storage_url, data=other_key, files={"file": ("x", b"hello world")}
            ).status_code
            == 403
        )  # and the key
    confirm = {
        "data": {
            "type": "attachments",
            "id": created["id"],
            "attributes": {"temp_url": f"{demo.storage_url}/{fields['key']}"},
        }
    }
    early = api.patch(f"/attachments/{created['id']}", json=confirm)
    assert early.status_code == 422
    assert first_error(early)["source"] == {"pointer": "data/attributes/temp_url"}
    with httpx.Client(timeout=30) as storage:
        sent = storage.post(demo.storage_url, data=fields, files={"file": ("x", b"hello world")})
        assert sent.status_code == 201
    confirmed = api.patch(f"/attachments/{created['id']}", json=confirm)
    assert confirmed.status_code == 200
    assert "/attachments/files/" in confirmed.json()["data"]["attributes"]["url"]

    demo.link(api, task, [*before, created["id"]])
    assert demo.attachment_ids(api, task) == [*before, created["id"]]
    demo.link(api, task, [created["id"]])  # replace: the others are unlinked
    assert demo.attachment_ids(api, task) == [created["id"]]
    demo.link(api, task, [*before, created["id"]])

    assert api.delete(f"/attachments/{created['id']}").status_code == 204
    rows = api.get("/attachments", params={"filter[task_id]": task}).json()["data"]
    deleted = [row for row in rows if row["id"] == created["id"]]
    assert deleted and deleted[0]["attributes"]["deleted_at"] is not None  # soft: still listed


def test_the_files_host_trades_a_token_for_a_short_link_else_the_login_page(
    demo: ProductiveDemo, api: httpx.Client
) -> None:
    task = demo.task_id(api, "Launch plan")
    rows = api.get("/attachments", params={"filter[task_id]": task}).json()["data"]
    url = next(r["attributes"]["url"] for r in rows if r["attributes"]["name"].endswith(".pdf"))
    assert url.startswith(demo.files_url) and "?" in url
    with httpx.Client(timeout=30) as browser:
        answer = browser.get(f"{url}&token={demo.token}")
        assert answer.status_code == 302
        link = answer.headers["location"]
        assert "X-Amz-Signature" in link and demo.token not in link
        assert browser.get(link).content.startswith(b"%PDF")
        for bad in (url, f"{url}&token=wrong"):
            refused = browser.get(bad)
            assert refused.status_code == 302
            login = browser.get(httpx.URL(bad).join(refused.headers["location"]))
            assert login.headers["content-type"].startswith("text/html")


def test_a_token_over_its_budget_gets_429_with_the_reset(tmp_path: Any) -> None:
    service = start_sandbox(tmp_path / "limited", "--productive-limits", "5/30,1000/60")
    try:
        demo = demo_of(service)
        with demo.client() as api:
            answers = [api.get("/projects") for _ in range(6)]
        assert [a.status_code for a in answers] == [200] * 5 + [429]
        refused = answers[-1]
        assert first_error(refused)["title"] == "Too many requests"
        assert first_error(refused)["detail"] == "Rate limit reached. Try again later"
        assert 1 <= int(refused.headers["X-RateLimit-Reset"]) <= 30
        assert "Retry-After" not in refused.headers
    finally:
        service.stop()
