"""Small steps of the bearer dialect, done by hand with httpx, for the sandbox tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

import httpx

from tests.support.sandbox import SandboxInfo


def api_client(sandbox: SandboxInfo, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=sandbox.api, headers=headers, timeout=30)


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == f"https://satchel.dev/problems/{code}"
    assert body["title"]
    assert body["detail"]
    return body


def all_items(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, str] = {}
    while True:
        page = client.get(path, params=params)
        assert page.status_code == 200, page.text
        items += page.json()["data"]
        if page.json()["next"] is None:
            return items
        params = {"cursor": page.json()["next"]}


def all_cards(client: httpx.Client) -> list[dict[str, Any]]:
    cards = []
    for board in all_items(client, "/boards"):
        for board_list in all_items(client, f"/boards/{board['id']}/lists"):
            cards += all_items(client, f"/lists/{board_list['id']}/cards")
    return cards


def all_attachments(client: httpx.Client) -> list[dict[str, Any]]:
    attachments = []
    for card in all_cards(client):
        attachments += all_items(client, f"/cards/{card['id']}/attachments")
    return attachments


def first_card_id(client: httpx.Client) -> str:
    card_id: str = all_cards(client)[0]["id"]
    return card_id


def create(client: httpx.Client, name: str, data: bytes, content_type: str) -> dict[str, Any]:
    """Step 1."""
    answer = client.post(
        "/attachments", json={"name": name, "content_type": content_type, "size": len(data)}
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def post_form(created: dict[str, Any], data: bytes, content_type: str) -> str:
    """Step 2: the S3 form, every field then the file last; returns the object's URL."""
    upload = created["upload"]
    answer = httpx.post(
        upload["url"],
        data=upload["fields"],  # httpx sends data fields before files
        files={"file": ("file", data, content_type)},
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    root = ET.fromstring(answer.text)  # noqa: S314 - the answer of our own local S3
    location = next(e.text for e in root.iter() if e.tag.endswith("Location")) or ""
    key = next(e.text for e in root.iter() if e.tag.endswith("Key"))
    assert key is not None
    return location or f"{upload['url']}/{quote(key, safe='/')}"


def upload(
    client: httpx.Client, name: str, data: bytes, content_type: str = "text/plain"
) -> dict[str, Any]:
    """Steps 1 to 3: a stored attachment, not linked yet."""
    created = create(client, name, data, content_type)
    location = post_form(created, data, content_type)
    confirmed = client.patch(f"/attachments/{created['id']}", json={"location": location})
    assert confirmed.status_code == 200, confirmed.text
    body: dict[str, Any] = confirmed.json()
    return body


def link(client: httpx.Client, card_id: str, attachment_id: str) -> httpx.Response:
    """Step 4."""
    return client.post(f"/cards/{card_id}/attachments", json={"attachment_id": attachment_id})


def download_location(client: httpx.Client, attachment_id: str) -> str:
    answer = client.get(f"/attachments/{attachment_id}/download")
    assert answer.status_code == 307, answer.text
    location: str = answer.headers["location"]
    return location
