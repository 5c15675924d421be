"""The service's own HEAD of an object (sandbox/s3_head.py), against the real SeaweedFS:
the size, None for no object, keys that need escaping, a connection S3 closed, and a
wrong secret."""

from __future__ import annotations

import uuid

import pytest

from satchel.sandbox.s3 import S3Gateway, S3Settings, StorageUnavailable
from satchel.sandbox.s3_head import ObjectHead
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import storage_of


@pytest.fixture(scope="module")
def gateway(sandbox: SandboxInfo) -> S3Gateway:
    return storage_of(sandbox)


def _head(gateway: S3Gateway, secret: str | None = None) -> ObjectHead:
    s = gateway.settings
    return ObjectHead(s.endpoint, s.access_key, secret or s.secret_key, s.bucket, s.region)


@pytest.mark.parametrize(
    "name", ["plain.bin", "a space/ü € + = & ~ (1).txt", "per%20cent", "semi;colon,comma"]
)
def test_the_size_of_an_object_and_of_none(gateway: S3Gateway, name: str) -> None:
    key = f"head-test/{uuid.uuid4()}/{name}"
    gateway.put_object(key, b"x" * 1234, "application/octet-stream")
    head = _head(gateway)
    assert head.size(key) == 1234
    assert head.size(key + ".missing") is None
    assert gateway.object_size(key) == 1234  # what the confirm handlers call
    gateway.delete_object(key)
    assert head.size(key) is None


def test_a_connection_closed_meanwhile_is_made_anew(gateway: S3Gateway) -> None:
    key = f"head-test/{uuid.uuid4()}"
    gateway.put_object(key, b"abc", "text/plain")
    head = _head(gateway)
    assert head.size(key) == 3
    head._local.connection.sock.close()  # as if S3 had dropped the kept-alive connection
    assert head.size(key) == 3


def test_a_wrong_secret_is_storage_unavailable_not_a_missing_object(gateway: S3Gateway) -> None:
    key = f"head-test/{uuid.uuid4()}"
    gateway.put_object(key, b"abc", "text/plain")
    s = gateway.settings
    wrong = S3Gateway(S3Settings(s.endpoint, s.access_key, "not-the-secret", s.bucket))
    with pytest.raises(StorageUnavailable, match="403"):
        wrong.object_size(key)
