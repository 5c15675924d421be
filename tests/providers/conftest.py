"""respx at the provider boundary: a fake bearer service and a fake storage host."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
import respx

from satchel.providers.bearer import BearerProvider
from satchel.providers.retries import RetryPolicy

BASE = "https://satchel.test"
API = f"{BASE}/api/v1"
STORAGE = "https://s3.test/satchel"
API_KEY = "ixk_" + "Q" * 20 + "secretsecretsecret12"
TIMES = {"created_at": "2026-03-01T12:00:00Z", "updated_at": "2026-03-01T12:00:00Z"}


def attachment_json(attachment_id: str = "a1", **changes: Any) -> dict[str, Any]:
    body = {
        "id": attachment_id,
        "name": "report.pdf",
        "content_type": "application/pdf",
        "size": 3,
        "card_id": None,
        "state": "pending",
        "kind": "file",
        "url": None,
        "download_url": f"{API}/attachments/{attachment_id}/download",
        **TIMES,
    }
    body.update(changes)
    return body


def pending_json(
    attachment_id: str = "a1", expires_at: str = "2099-01-01T00:00:00Z", **changes: Any
) -> dict[str, Any]:
    key = f"tenants/t1/attachments/{attachment_id}"
    return {
        **attachment_json(attachment_id, **changes),
        "upload": {
            "url": STORAGE,
            "fields": {
                "key": key,
                "policy": "cG9saWN5",
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "x-amz-credential": "AK/20260301/us-east-1/s3/aws4_request",
                "x-amz-date": "20260301T120000Z",
                "x-amz-signature": "f" * 64,
                "success_action_status": "201",
                "Content-Type": "application/pdf",
            },
        },
        "upload_expires_at": expires_at,
    }


def post_response(key: str, data: bytes) -> str:
    etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location></Location>'
        f"<Bucket>satchel</Bucket><Key>{key}</Key><ETag>&#34;{etag}&#34;</ETag></PostResponse>"
    )


def problem(status: int, code: str, detail: str = "") -> dict[str, Any]:
    return {
        "type": f"https://satchel.dev/problems/{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
    }


@pytest.fixture
def service() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


@pytest_asyncio.fixture
async def provider(service: respx.MockRouter) -> AsyncIterator[BearerProvider]:
    # One try: these tests read how each answer is worded (test_bearer_errors retries).
    async with BearerProvider(BASE, API_KEY, backoff=RetryPolicy(max_attempts=1)) as bearer:
        yield bearer
