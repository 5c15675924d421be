"""The service's own POST form signing (sandbox/s3_post_form.py): the very form boto3's
`generate_presigned_post` makes, field for field, and one the real SeaweedFS takes."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config

from satchel.sandbox import s3_post_form
from satchel.sandbox.s3 import S3Gateway, S3Settings
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import storage_of

FROZEN = datetime(2026, 12, 2, 17, 59, 59, 999999)  # naive UTC, as botocore keeps it


def _boto3_form(settings: S3Settings, key: str, size: int, content_type: str) -> dict[str, Any]:
    client: Any = boto3.client(
        "s3",
        endpoint_url=settings.endpoint,
        aws_access_key_id=settings.access_key,
        aws_secret_access_key=settings.secret_key,
        region_name=settings.region,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    post: dict[str, Any] = client.generate_presigned_post(
        settings.bucket,
        key,
        Fields={"success_action_status": "201", "Content-Type": content_type},
        Conditions=[
            {"success_action_status": "201"},
            ["content-length-range", size, size],
            {"Content-Type": content_type},
        ],
        ExpiresIn=900,
    )
    return post


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("t/0b7f/a.bin", "application/octet-stream"),
        ("t/ü € + = & ~ (1).txt", 'text/plain; charset="utf-8"'),
    ],
)
def test_the_form_is_the_one_boto3_makes(
    monkeypatch: pytest.MonkeyPatch, key: str, content_type: str
) -> None:
    for module in ("botocore.auth", "botocore.signers"):
        monkeypatch.setattr(f"{module}.get_current_datetime", lambda: FROZEN)
    monkeypatch.setattr(s3_post_form, "get_current_datetime", lambda: FROZEN)
    settings = S3Settings("http://127.0.0.1:8333", "access", "secret", "the-bucket", "eu-west-1")
    ours = S3Gateway(settings).upload_form(key, 1234, content_type, ttl=timedelta(minutes=15))
    theirs = _boto3_form(settings, key, 1234, content_type)
    assert ours.url == theirs["url"]
    assert list(ours.fields.items()) == list(theirs["fields"].items())  # the order too
    policy = json.loads(base64.b64decode(ours.fields["policy"]))
    assert policy["expiration"] == "2026-12-02T18:14:59Z"


def test_seaweedfs_takes_the_form_and_holds_it_to_its_size(sandbox: SandboxInfo) -> None:
    gateway = storage_of(sandbox)
    key = f"post-form-test/{uuid.uuid4()}/a b.bin"
    form = gateway.upload_form(key, 5, "application/octet-stream")
    assert form.url == f"{gateway.settings.endpoint}/{gateway.settings.bucket}"
    files = {"file": ("a b.bin", b"12345", "application/octet-stream")}
    assert httpx.post(form.url, data=form.fields, files=files).status_code == 201
    assert gateway.object_size(key) == 5
    too_long = {"file": ("a b.bin", b"123456", "application/octet-stream")}
    assert httpx.post(form.url, data=form.fields, files=too_long).status_code >= 400
    gateway.delete_object(key)
