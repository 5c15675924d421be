"""S3 form uploads against a real SeaweedFS: round trips, refusals, progress, cancel, changes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from satchel.domain.errors import (
    FileChanged,
    IntegrityError,
    PolicyExpired,
    Rejected,
    StorageDenied,
    TooLarge,
)
from satchel.domain.model import ResolvedLink
from satchel.storage.download import download_to_file
from satchel.storage.links import link_from_url
from satchel.storage.s3form import upload_form
from tests.support.qt import wait_until

from .conftest import LocalS3, open_descriptors_to, write_file


async def _round_trip(
    local_s3: LocalS3, client: httpx.AsyncClient, folder: Path, name: str, data: bytes
) -> None:
    key = local_s3.new_key(name)
    form = local_s3.form(key, len(data))
    path = write_file(folder, name, data)
    stored = await upload_form(client, form.url, form.fields, path)
    assert stored.key == key
    assert stored.location == local_s3.gateway.object_url(key)
    assert stored.etag == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert local_s3.size_of(key) == len(data)

    async def resolve() -> ResolvedLink:
        return link_from_url(local_s3.link(key))

    copy = await download_to_file(client, resolve, folder / f"copy of {name}")
    assert copy.read_bytes() == data


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.bin", b""),
        ("one.bin", b"x"),
        ("Zoë's “résumé” 日本語 & co.txt", "naïve text\n".encode() * 1000),
        ("two chunks.bin", os.urandom(1024 * 1024 + 17)),
    ],
    ids=["0 bytes", "1 byte", "non-ASCII name", "over one chunk"],
)
async def test_round_trip(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path, name: str, data: bytes
) -> None:
    await _round_trip(local_s3, storage_client, tmp_path, name, data)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("field", "value"),
    [("x-amz-signature", "0" * 64), ("Content-Type", "image/png"), ("key", "tests/elsewhere")],
)
async def test_tampered_form_is_denied(
    local_s3: LocalS3,
    storage_client: httpx.AsyncClient,
    tmp_path: Path,
    field: str,
    value: str,
) -> None:
    key = local_s3.new_key()
    form = local_s3.form(key, 3)
    fields = {**form.fields, field: value}
    with pytest.raises(StorageDenied) as caught:
        await upload_form(storage_client, form.url, fields, write_file(tmp_path, "a", b"abc"))
    assert caught.value.detail
    assert local_s3.size_of(key) is None


@pytest.mark.asyncio
async def test_expired_policy(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    key = local_s3.new_key()
    form = local_s3.form(key, 3, ttl=timedelta(seconds=1))
    expiration = json.loads(base64.b64decode(form.fields["policy"]))["expiration"]
    dies = datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    await wait_until(lambda: datetime.now(UTC) > dies, 10, "the policy's own expiry")
    with pytest.raises(PolicyExpired) as caught:
        await upload_form(storage_client, form.url, form.fields, write_file(tmp_path, "a", b"abc"))
    assert "Policy expired" in (caught.value.detail or "")
    assert caught.value.retryable


@pytest.mark.asyncio
async def test_file_bigger_than_the_policy_allows(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    key = local_s3.new_key()
    form = local_s3.form(key, 3)
    with pytest.raises(TooLarge):
        await upload_form(storage_client, form.url, form.fields, write_file(tmp_path, "a", b"abcd"))
    with pytest.raises(Rejected):
        await upload_form(storage_client, form.url, form.fields, write_file(tmp_path, "b", b"ab"))
    assert local_s3.size_of(key) is None


@pytest.mark.asyncio
async def test_file_not_the_declared_size_fails_before_sending(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    form = local_s3.form(local_s3.new_key(), 3)
    path = write_file(tmp_path, "a", b"abcd")
    with pytest.raises(FileChanged):
        await upload_form(storage_client, form.url, form.fields, path, expected_size=3)


@pytest.mark.asyncio
async def test_progress_reaches_the_total(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 5)
    form = local_s3.form(local_s3.new_key(), len(data))
    seen: list[tuple[int, int]] = []
    await upload_form(
        storage_client,
        form.url,
        form.fields,
        write_file(tmp_path, "a", data),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (len(data), len(data))
    assert all(total == len(data) for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) >= 4


def _big_sparse_file(folder: Path, size: int) -> Path:
    path = folder / "big.bin"
    with path.open("wb") as file:
        file.truncate(size)
    return path


@pytest.mark.asyncio
async def test_cancel_mid_upload(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    size = 256 * 1024 * 1024
    path = _big_sparse_file(tmp_path, size)
    key = local_s3.new_key()
    form = local_s3.form(key, size)
    started = asyncio.Event()

    def progress(done: int, _total: int) -> None:
        if done >= 4 * 1024 * 1024:
            started.set()

    task = asyncio.create_task(
        upload_form(storage_client, form.url, form.fields, path, progress=progress)
    )
    await asyncio.wait_for(started.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert open_descriptors_to(path) == []
    assert local_s3.size_of(key) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.bin"]


@pytest.mark.asyncio
async def test_file_growing_during_upload(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    data = os.urandom(4 * 1024 * 1024)
    path = write_file(tmp_path, "report.pdf", data)
    key = local_s3.new_key()
    form = local_s3.form(key, len(data))

    def append_once(done: int, _total: int) -> None:
        if done and path.stat().st_size == len(data):
            with path.open("ab") as file:
                file.write(b"more")

    with pytest.raises(FileChanged, match="changed on disk while it was being sent"):
        await upload_form(storage_client, form.url, form.fields, path, progress=append_once)
    assert local_s3.size_of(key) is None  # the closing boundary never went out


@pytest.mark.asyncio
async def test_file_rewritten_in_place_during_upload(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    data = os.urandom(4 * 1024 * 1024)
    path = write_file(tmp_path, "notes.txt", data)
    key = local_s3.new_key()
    form = local_s3.form(key, len(data))

    def rewrite_once(done: int, _total: int) -> None:
        if done and done < len(data):
            with path.open("r+b") as file:
                file.write(b"edited")
            later = time.time() + 5
            os.utime(path, (later, later))  # a different mtime even on coarse clocks

    with pytest.raises(FileChanged):
        await upload_form(storage_client, form.url, form.fields, path, progress=rewrite_once)
    assert local_s3.size_of(key) is None


@pytest.mark.asyncio
async def test_etag_that_is_not_what_was_sent(tmp_path: Path) -> None:
    answer = (
        "<PostResponse><Location></Location><Bucket>b</Bucket><Key>k</Key>"
        "<ETag>&quot;00000000000000000000000000000000&quot;</ETag></PostResponse>"
    )

    def storage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, text=answer, headers={"Content-Type": "application/xml"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(storage)) as client:
        with pytest.raises(IntegrityError):
            await upload_form(
                client, "https://s3.test/b", {"key": "k"}, write_file(tmp_path, "a", b"abc")
            )


@pytest.mark.asyncio
async def test_body_is_fields_then_file_with_exact_length(tmp_path: Path) -> None:
    seen: dict[str, bytes | str] = {}

    async def storage(request: httpx.Request) -> httpx.Response:
        seen["body"] = await request.aread()
        seen["length"] = request.headers["Content-Length"]
        seen["type"] = request.headers["Content-Type"]
        assert "Authorization" not in request.headers
        assert "Cookie" not in request.headers
        return httpx.Response(204, headers={"ETag": '"900150983cd24fb0d6963f7d28e17f72"'})

    fields = {"key": "a/b c", "Content-Type": "text/plain", "policy": "cG9saWN5"}
    # Even a client that carries a secret must not send it to storage.
    leaky = {"Authorization": "Bearer ixk_not_for_storage", "Cookie": "session=1"}
    async with httpx.AsyncClient(transport=httpx.MockTransport(storage), headers=leaky) as client:
        stored = await upload_form(
            client, "https://s3.test/bucket", fields, write_file(tmp_path, 'say "hi".txt', b"abc")
        )
    body = seen["body"]
    assert isinstance(body, bytes)
    assert int(seen["length"]) == len(body)
    assert 'filename="say %22hi%22.txt"' in body.decode()
    assert body.index(b'name="policy"') < body.index(b'name="file"')
    assert body.rstrip().endswith(b"--")
    assert b"\r\nabc\r\n" in body
    assert stored.location == "https://s3.test/bucket/a/b%20c"


def _rss_mib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmRSS")


@pytest.mark.slow
@pytest.mark.asyncio
async def test_half_a_gigabyte_in_constant_memory(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    size = 512 * 1024 * 1024
    path = _big_sparse_file(tmp_path, size)
    key = local_s3.new_key()
    form = local_s3.form(key, size)
    start = _rss_mib()
    peak = start

    def progress(_done: int, _total: int) -> None:
        nonlocal peak
        peak = max(peak, _rss_mib())

    stored = await upload_form(storage_client, form.url, form.fields, path, progress=progress)
    assert peak - start <= 64, f"RSS grew by {peak - start} MiB"
    assert local_s3.size_of(key) == size
    assert stored.etag == "aa559b4e3523a6c931f08f4df52d58f2"  # MD5 of 512 MiB of zeros
