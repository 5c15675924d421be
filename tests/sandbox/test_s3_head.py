"""The service's own HEAD of an object (sandbox/s3_head.py), against the real SeaweedFS:
the size, None for no object, keys that need escaping, a kept connection, one S3 closed,
a wrong secret, and what the confirm's gate makes of them."""

from __future__ import annotations

import dataclasses
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from satchel.sandbox import problems
from satchel.sandbox.s3 import S3Gateway, S3Settings, StorageUnavailable
from satchel.sandbox.s3_head import ObjectHead
from satchel.sandbox.seaweed import filer_url_of
from satchel.sandbox.storage_gate import StorageGate
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import storage_of


@pytest.fixture(scope="module")
def gateway(sandbox: SandboxInfo) -> S3Gateway:
    return storage_of(sandbox)


@pytest_asyncio.fixture
async def head(gateway: S3Gateway) -> AsyncIterator[ObjectHead]:
    s = gateway.settings
    head = ObjectHead.of_s3(s.endpoint, s.access_key, s.secret_key, s.bucket, s.region)
    yield head
    await head.aclose()


def _stored(gateway: S3Gateway, size: int, name: str = "object") -> str:
    key = f"head-test/{uuid.uuid4()}/{name}"
    gateway.put_object(key, b"x" * size, "application/octet-stream")
    return key


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "name", ["plain.bin", "a space/ü € + = & ~ (1).txt", "per%20cent", "semi;colon,comma"]
)
async def test_the_size_of_an_object_and_of_none(
    gateway: S3Gateway, head: ObjectHead, name: str
) -> None:
    key = _stored(gateway, 1234, name)
    assert await head.size(key) == 1234
    assert await head.size(key + ".missing") is None
    gateway.delete_object(key)
    assert await head.size(key) is None


@pytest.mark.asyncio
@pytest.mark.parametrize(("name", "size"), [("plain.bin", 262144), ("empty", 0), (".a..b", 1)])
async def test_the_filer_answers_as_s3_does(
    gateway: S3Gateway, head: ObjectHead, name: str, size: int
) -> None:
    """The service's own SeaweedFS: the confirm asks its filer, which must agree with S3."""
    filer = ObjectHead.of_filer(filer_url_of(gateway.settings.endpoint), gateway.settings.bucket)
    key = _stored(gateway, size, name)
    try:
        assert await filer.size(key) == await head.size(key) == size
        for other in (key + ".missing", key.rpartition("/")[0]):  # none, and a folder
            assert await filer.size(other) is await head.size(other) is None, other
        gateway.delete_object(key)
        assert await filer.size(key) is None
    finally:
        await filer.aclose()


def test_the_filer_is_asked_only_for_keys_it_names_as_s3_does(gateway: S3Gateway) -> None:
    s = gateway.settings
    own = S3Gateway(dataclasses.replace(s, filer_url=filer_url_of(s.endpoint)))
    filer, signed = own.head_for("tenants/t-1/attachments/a-2"), own.head_for("a b")
    assert filer is not None and signed is not None and filer is not signed
    for key in ("x/", "x//y", "x/./y", "x/../y", "/x", "ü", "per%20cent", "."):
        assert own.head_for(key) is signed, key  # S3 reads these otherwise than the filer
    assert gateway.head_for("tenants/t-1/attachments/a-2") is gateway.head_for("a b")


@pytest.mark.asyncio
async def test_one_connection_is_kept_and_made_anew_when_s3_closed_it(
    gateway: S3Gateway, head: ObjectHead
) -> None:
    key = _stored(gateway, 3)
    assert await head.size(key) == 3
    [(_reader, kept)] = head._idle
    assert await head.size(key) == 3
    assert await head.size(key + ".missing") is None
    assert [writer for _reader, writer in head._idle] == [kept]
    # As if S3 had dropped the kept-alive connection without the loop noticing yet.
    kept.get_extra_info("socket").shutdown(socket.SHUT_RDWR)
    assert await head.size(key) == 3
    assert [writer for _reader, writer in head._idle] != [kept]


@pytest.mark.asyncio
async def test_a_wrong_secret_is_storage_unavailable_not_a_missing_object(
    gateway: S3Gateway,
) -> None:
    key = _stored(gateway, 3)
    s = gateway.settings
    wrong = S3Gateway(S3Settings(s.endpoint, s.access_key, "not-the-secret", s.bucket))
    gate = StorageGate(wrong, ready=True)
    with pytest.raises(problems.Problem) as refused:
        await gate.object_size(key)
    await gate.aclose()
    assert refused.value.status == 503
    assert not gate.ready  # the next use probes S3 first
    with pytest.raises(StorageUnavailable, match="403"):
        wrong.object_size(key)  # boto3's way (sync callers) says the same


@pytest.mark.asyncio
async def test_the_gate_asks_the_cheap_way_and_boto3_agrees(gateway: S3Gateway) -> None:
    key, missing = _stored(gateway, 77), f"head-test/{uuid.uuid4()}"
    gate = StorageGate(gateway, ready=True)
    sizes = [await gate.object_size(key), await gate.object_size(missing)]
    await gate.aclose()
    assert sizes == [77, None] == [gateway.object_size(key), gateway.object_size(missing)]
