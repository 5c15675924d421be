"""The four-step upload by hand against real SeaweedFS, downloads, deletes and the sweep."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlsplit

import boto3
import httpx
import pytest
from botocore.config import Config

from satchel.sandbox.private_files import read_json
from tests.sandbox.bearer_helpers import (
    all_attachments,
    api_client,
    assert_problem,
    create,
    download_location,
    first_card_id,
    link,
    post_form,
    upload,
)
from tests.support.sandbox import SandboxInfo, start_sandbox


@pytest.fixture
def client(sandbox: SandboxInfo, rw_key: str) -> Iterator[httpx.Client]:
    with api_client(sandbox, rw_key) as client:
        yield client


def test_four_steps_then_download_gives_the_same_bytes(client: httpx.Client) -> None:
    data = os.urandom(300_000)
    created = create(client, "photo.raw", data, "application/octet-stream")
    assert created["state"] == "pending"
    assert created["card_id"] is None
    assert created["size"] == len(data)
    assert created["kind"] == "file"
    assert created["upload_expires_at"].endswith("Z")
    fields = created["upload"]["fields"]
    assert fields["key"].endswith(f"/attachments/{created['id']}")
    assert fields["success_action_status"] == "201"
    assert fields["Content-Type"] == "application/octet-stream"
    # A pending attachment cannot be downloaded yet.
    assert_problem(client.get(f"/attachments/{created['id']}/download"), 422, "validation_failed")

    location = post_form(created, data, "application/octet-stream")
    confirmed = client.patch(f"/attachments/{created['id']}", json={"location": location})
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "stored"
    again = client.patch(f"/attachments/{created['id']}", json={"location": location})
    assert again.status_code == 200  # idempotent

    card_id = first_card_id(client)
    linked = link(client, card_id, created["id"])
    assert linked.status_code == 200
    assert linked.json()["card_id"] == card_id

    answer = client.get(f"/attachments/{created['id']}/download")
    assert answer.status_code == 307
    assert answer.headers["cache-control"] == "no-store"
    assert answer.content == b""
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["X-Amz-Expires"] == ["900"]
    assert "X-Amz-Date" in query
    assert httpx.get(answer.headers["location"]).content == data
    head = client.head(f"/attachments/{created['id']}/download")
    assert head.status_code == 307
    assert head.headers["location"]


def test_non_ascii_name_survives_into_content_disposition(client: httpx.Client) -> None:
    name = "Übersicht – Café.txt"
    stored = upload(client, name, "Grüße\n".encode(), "text/plain; charset=utf-8")
    assert client.get(f"/attachments/{stored['id']}").json()["name"] == name
    answer = httpx.get(download_location(client, stored["id"]))
    assert answer.status_code == 200
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote(name, safe="") in disposition
    assert 'filename="' in disposition
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.content == "Grüße\n".encode()


def test_an_empty_file_goes_through_all_four_steps(client: httpx.Client) -> None:
    stored = upload(client, "empty.txt", b"")
    assert stored["size"] == 0
    assert link(client, first_card_id(client), stored["id"]).status_code == 200
    fetched = httpx.get(download_location(client, stored["id"]))
    assert fetched.status_code == 200
    assert fetched.content == b""


def test_name_may_hold_spaces_newlines_and_255_characters(client: httpx.Client) -> None:
    for name in ("two\nlines .txt", "é" * 255):
        created = create(client, name, b"x", "text/plain")
        assert created["name"] == name


def test_linking_is_idempotent_and_exclusive(client: httpx.Client) -> None:
    stored = upload(client, "notes.txt", b"notes")
    cards = [card["id"] for card in client.get(_first_list_cards(client)).json()["data"]]
    assert len(cards) >= 2
    assert link(client, cards[0], stored["id"]).status_code == 200
    assert link(client, cards[0], stored["id"]).status_code == 200
    listed = client.get(f"/cards/{cards[0]}/attachments", params={"limit": 500}).json()["data"]
    assert [a["id"] for a in listed].count(stored["id"]) == 1
    assert_problem(link(client, cards[1], stored["id"]), 422, "validation_failed")
    assert stored["id"] not in [
        a["id"] for a in client.get(f"/cards/{cards[1]}/attachments").json()["data"]
    ]


def _first_list_cards(client: httpx.Client) -> str:
    board_id = client.get("/boards").json()["data"][0]["id"]
    list_id = client.get(f"/boards/{board_id}/lists").json()["data"][0]["id"]
    return f"/lists/{list_id}/cards"


def test_linking_a_pending_attachment_is_422(client: httpx.Client) -> None:
    created = create(client, "later.txt", b"later", "text/plain")
    card_id = first_card_id(client)
    assert_problem(link(client, card_id, created["id"]), 422, "validation_failed")
    assert_problem(client.post(f"/cards/{card_id}/attachments", json={}), 422, "validation_failed")


def test_confirm_without_an_object_is_422(client: httpx.Client) -> None:
    created = create(client, "ghost.txt", b"ghost", "text/plain")
    location = f"{created['upload']['url']}/{created['upload']['fields']['key']}"
    answer = client.patch(f"/attachments/{created['id']}", json={"location": location})
    assert_problem(answer, 422, "validation_failed")
    assert client.get(f"/attachments/{created['id']}").json()["state"] == "pending"


def test_confirm_with_a_wrong_size_is_422(client: httpx.Client, sandbox: SandboxInfo) -> None:
    created = create(client, "sized.txt", b"12345", "text/plain")
    # The policy only lets 5 bytes in: S3 refuses other sizes at the form.
    refused = httpx.post(
        created["upload"]["url"],
        data=created["upload"]["fields"],
        files={"file": ("f", b"123456", "text/plain")},
    )
    assert refused.status_code == 400
    assert "EntityTooLarge" in refused.text
    # So put a wrong-sized object there with the service's own S3 identity.
    identity = read_json(sandbox.data_dir / "s3-identity.json")
    s3 = boto3.client(
        "s3",
        endpoint_url=sandbox.s3_endpoint,
        aws_access_key_id=identity["access_key"],
        aws_secret_access_key=identity["secret_key"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )
    key = created["upload"]["fields"]["key"]
    s3.put_object(Bucket="satchel", Key=key, Body=b"123")
    location = f"{created['upload']['url']}/{key}"
    answer = client.patch(f"/attachments/{created['id']}", json={"location": location})
    assert_problem(answer, 422, "validation_failed")


@pytest.mark.parametrize(
    "location",
    ["", "not a url", "http://127.0.0.1:1/satchel/tenants/x/attachments/y", 42, None],
)
def test_confirm_with_a_location_not_naming_the_object_is_422(
    client: httpx.Client, location: object
) -> None:
    created = create(client, "where.txt", b"where", "text/plain")
    post_form(created, b"where", "text/plain")
    answer = client.patch(f"/attachments/{created['id']}", json={"location": location})
    assert_problem(answer, 422, "validation_failed")


@pytest.mark.parametrize(
    "body",
    [
        {"content_type": "text/plain", "size": 1},
        {"name": "", "content_type": "text/plain", "size": 1},
        {"name": "x" * 256, "content_type": "text/plain", "size": 1},
        {"name": 5, "content_type": "text/plain", "size": 1},
        {"name": "a.txt", "size": 1},
        {"name": "a.txt", "content_type": "not a type", "size": 1},
        {"name": "a.txt", "content_type": "text/plain\r\nX-Evil: 1", "size": 1},
        {"name": "a.txt", "content_type": "text/plain"},
        {"name": "a.txt", "content_type": "text/plain", "size": -1},
        {"name": "a.txt", "content_type": "text/plain", "size": "1"},
        {"name": "a.txt", "content_type": "text/plain", "size": 1.5},
        {"name": "a.txt", "content_type": "text/plain", "size": True},
        {"name": "a.txt", "content_type": "text/plain", "size": 5 * 1024**3 + 1},
        ["not", "an", "object"],
    ],
)
def test_bad_step_one_is_422(client: httpx.Client, body: object) -> None:
    assert_problem(client.post("/attachments", json=body), 422, "validation_failed")


def test_bad_json_is_422(client: httpx.Client) -> None:
    answer = client.post(
        "/attachments", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(answer, 422, "validation_failed")


def test_largest_allowed_size_is_accepted(client: httpx.Client) -> None:
    body = {"name": "huge.bin", "content_type": "application/octet-stream", "size": 5 * 1024**3}
    assert client.post("/attachments", json=body).status_code == 201


def test_delete_removes_record_link_and_object(client: httpx.Client) -> None:
    stored = upload(client, "doomed.txt", b"doomed")
    card_id = first_card_id(client)
    assert link(client, card_id, stored["id"]).status_code == 200
    presigned = download_location(client, stored["id"])
    assert httpx.get(presigned).content == b"doomed"

    assert client.delete(f"/attachments/{stored['id']}").status_code == 204
    assert_problem(client.get(f"/attachments/{stored['id']}"), 404, "not_found")
    assert_problem(client.delete(f"/attachments/{stored['id']}"), 404, "not_found")
    listed = client.get(f"/cards/{card_id}/attachments", params={"limit": 500}).json()["data"]
    assert stored["id"] not in [a["id"] for a in listed]
    assert httpx.get(presigned).status_code == 404  # the old link finds nothing now


def test_link_attachment_downloads_redirect_to_its_url(client: httpx.Client) -> None:
    link_attachment = next(a for a in all_attachments(client) if a["kind"] == "link")
    answer = client.get(f"/attachments/{link_attachment['id']}/download")
    assert answer.status_code == 307
    assert answer.headers["location"] == link_attachment["url"]
    assert_problem(
        client.patch(f"/attachments/{link_attachment['id']}", json={"location": "https://x/y"}),
        422,
        "validation_failed",
    )


#: The sweep's own service: a short grace, so the sweep is seen within the test.
SWEEP_GRACE_SECONDS = 2


@pytest.fixture(scope="module")
def sweeping_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    service = start_sandbox(
        tmp_path_factory.mktemp("sweeping"), "--orphan-grace", str(SWEEP_GRACE_SECONDS)
    )
    try:
        with api_client(service, service.tenants[0]["read_write_key"]) as client:
            yield client
    finally:
        service.stop()


def test_orphans_are_swept_with_their_objects(sweeping_client: httpx.Client) -> None:
    client = sweeping_client
    pending = create(client, "abandoned.txt", b"abandoned", "text/plain")
    stored = upload(client, "unlinked.txt", b"unlinked")
    kept = upload(client, "kept.txt", b"kept")
    assert link(client, first_card_id(client), kept["id"]).status_code == 200
    presigned = download_location(client, stored["id"])
    assert httpx.get(presigned).status_code == 200

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        gone = [client.get(f"/attachments/{a['id']}").status_code == 404 for a in (pending, stored)]
        # The sweep takes the records first, then deletes their objects: wait for both.
        if all(gone) and httpx.get(presigned).status_code == 404:
            break
        time.sleep(0.25)
    assert_problem(client.get(f"/attachments/{pending['id']}"), 404, "not_found")
    assert_problem(client.get(f"/attachments/{stored['id']}"), 404, "not_found")
    assert httpx.get(presigned).status_code == 404
    assert client.get(f"/attachments/{kept['id']}").status_code == 200
