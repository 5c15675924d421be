"""The local service keeps its secrets to this user, signs with a key no database copy
holds, and answers only under its own address (no DNS rebinding)."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from satchel.sandbox.trello import payloads
from tests.support.sandbox import SandboxInfo
from tests.support.trello import demo_credentials


def test_its_data_and_storage_config_are_private(sandbox: SandboxInfo) -> None:
    seaweed = sandbox.data_dir / "seaweed"
    for folder in (sandbox.data_dir, seaweed, seaweed / "data"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    assert (seaweed / "s3.json").stat().st_mode & 0o777 == 0o600


def test_no_signing_secret_is_stored_in_clear(sandbox: SandboxInfo) -> None:
    credentials = demo_credentials(sandbox)
    with httpx.Client(base_url=sandbox.base_url + "/1", headers=credentials.header) as api:
        board = api.get("/members/me/boards").json()[0]
        cards = api.get(f"/boards/{board['id']}/cards", params={"attachments": "true"}).json()
    signed = next(a for c in cards for a in c["attachments"] if "signature=" in a["url"])
    signature = parse_qs(urlsplit(signed["url"]).query)["signature"][0]
    with sqlite3.connect(sandbox.data_dir / "satchel.db") as db:
        stored = [str(v) for (v,) in db.execute("SELECT value FROM meta")]
    assert stored  # the store keeps its salt and the like there
    for value in stored:  # nothing in the database signs as the service does
        assert not payloads.signature_valid(value.encode(), signed["id"], signature)
    assert httpx.get(signed["url"]).status_code == 302  # and the signed link still works


@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/1/members/me", "/1/authorize?key=k&name=x&response_type=token"]
)
def test_requests_under_another_host_name_are_refused(sandbox: SandboxInfo, path: str) -> None:
    port = urlsplit(sandbox.base_url).port
    rebound = httpx.get(sandbox.base_url + path, headers={"Host": f"rebind.evil.example:{port}"})
    assert rebound.status_code == 421
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert httpx.get(sandbox.base_url + path, headers={"Host": host}).status_code != 421
