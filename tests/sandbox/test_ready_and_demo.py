"""The ready line, what the service keeps in its data dir, and the demo data it made."""

from __future__ import annotations

import re
import select
import sqlite3
import stat

import httpx

from tests.sandbox.bearer_helpers import all_attachments, api_client, download_location
from tests.support.sandbox import SandboxInfo

KEY_SHAPE = re.compile(r"ixk_[A-Za-z0-9_-]{40}")


def test_ready_line_names_the_service_its_s3_and_the_demo_keys(sandbox: SandboxInfo) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sandbox.base_url)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sandbox.s3_endpoint)
    assert sandbox.data_dir.is_absolute()
    assert sandbox.data_dir.is_dir()
    assert len(sandbox.tenants) >= 2
    names = [tenant["name"] for tenant in sandbox.tenants]
    assert len(set(names)) == len(names)
    for tenant in sandbox.tenants:
        assert set(tenant) == {"name", "read_write_key", "read_only_key"}
        assert KEY_SHAPE.fullmatch(tenant["read_write_key"])
        assert KEY_SHAPE.fullmatch(tenant["read_only_key"])


def test_stdout_carries_nothing_after_the_ready_line(sandbox: SandboxInfo) -> None:
    with api_client(sandbox, sandbox.tenants[0]["read_write_key"]) as client:
        assert client.get("/me").status_code == 200
    assert sandbox.process.stdout is not None
    readable, _, _ = select.select([sandbox.process.stdout], [], [], 0.2)
    assert not readable  # uvicorn's access log went to stderr
    assert '"GET /api/v1/me HTTP/1.1" 200' in sandbox.log_path.read_text()


def test_keys_are_hashed_at_rest_and_secrets_are_private(sandbox: SandboxInfo) -> None:
    database = sandbox.data_dir / "satchel.db"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = {row[0] for row in db.execute("SELECT key_hash FROM api_keys")}
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in stored)
    everything = b"".join(
        path.read_bytes() for path in sandbox.data_dir.glob("satchel.db*") if path.is_file()
    )
    for tenant in sandbox.tenants:
        assert tenant["read_write_key"].encode() not in everything
    for secret_file in ("demo-credentials.json", "s3-identity.json"):
        mode = stat.S_IMODE((sandbox.data_dir / secret_file).stat().st_mode)
        assert mode == 0o600, secret_file
    for tenant in sandbox.tenants:
        assert tenant["read_write_key"] not in sandbox.log_path.read_text()


def test_demo_has_boards_and_every_kind_of_attachment(sandbox: SandboxInfo) -> None:
    attachments = []
    boards = 0
    for tenant in sandbox.tenants[:2]:
        with api_client(sandbox, tenant["read_only_key"]) as client:
            boards += len(client.get("/boards").json()["data"])
            attachments += all_attachments(client)
    assert boards >= 3
    types = {a["content_type"].split(";")[0] for a in attachments if a["kind"] == "file"}
    assert {
        "image/png", "image/jpeg", "application/pdf", "text/markdown", "text/plain",
        "text/csv", "application/json", "application/zip",
    } <= types  # fmt: skip
    assert any(a["size"] and a["size"] >= 20_000_000 for a in attachments)
    assert any(a["name"] == "Übersicht – Café.txt" for a in attachments)
    links = [a for a in attachments if a["kind"] == "link"]
    assert links
    assert all(a["url"].startswith("https://example.com/") and a["size"] is None for a in links)
    assert all(a["state"] == "stored" and a["card_id"] for a in attachments)


def test_demo_files_are_real_files(sandbox: SandboxInfo) -> None:
    with api_client(sandbox, sandbox.tenants[0]["read_only_key"]) as client:
        attachments = {a["content_type"]: a for a in all_attachments(client)}
        magic = {
            "image/png": b"\x89PNG\r\n\x1a\n",
            "image/jpeg": b"\xff\xd8\xff",
            "application/pdf": b"%PDF-",
            "application/zip": b"PK\x03\x04",
        }
        for content_type, prefix in magic.items():
            attachment = attachments[content_type]
            body = httpx.get(download_location(client, attachment["id"])).content
            assert body.startswith(prefix), content_type
            assert len(body) == attachment["size"]
            if content_type == "application/pdf":
                assert len(re.findall(rb"/Type\s*/Page\b", body)) >= 2  # several pages
