"""Downloads from presigned links: expiry, error bodies, sizes, temporary files, full disks."""

from __future__ import annotations

import asyncio
import errno
import gzip
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from satchel.domain.errors import (
    DiskFull,
    IntegrityError,
    LinkExpired,
    NotFound,
    StorageDenied,
)
from satchel.domain.model import ResolvedLink
from satchel.storage.download import download_to_file
from satchel.storage.links import link_from_url
from tests.support.qt import wait_until

from .conftest import LocalS3

Resolver = Callable[[], Awaitable[ResolvedLink]]


def _stored(local_s3: LocalS3, data: bytes, name: str = "photo.jpg") -> str:
    key = local_s3.new_key(name)
    local_s3.gateway.put_object(key, data, "image/jpeg")
    return key


def _resolver_of(*links: ResolvedLink) -> tuple[Resolver, list[ResolvedLink]]:
    """A resolver handing out `links` in turn; the list records what it handed out."""
    handed: list[ResolvedLink] = []

    async def resolve() -> ResolvedLink:
        link = links[min(len(handed), len(links) - 1)]
        handed.append(link)
        return link

    return resolve, handed


async def _until_storage_refuses(client: httpx.AsyncClient, url: str) -> None:
    """Wait until the storage host itself says the link expired (no fixed sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    while (await client.get(url)).status_code != 403:
        assert loop.time() < deadline, "the link never expired"
        await asyncio.sleep(0.2)


def _folder_is(folder: Path, names: list[str]) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


@pytest.mark.asyncio
async def test_link_expired_by_storage_is_resolved_again_once(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    key = _stored(local_s3, b"picture")
    dead_url = local_s3.link(key, ttl=timedelta(seconds=1))
    await _until_storage_refuses(storage_client, dead_url)
    # The client believes this one still lives (as with a skewed clock); S3 says 403 expired.
    believed_alive = ResolvedLink(dead_url, datetime.now(UTC) + timedelta(minutes=10))
    resolve, handed = _resolver_of(believed_alive, link_from_url(local_s3.link(key)))
    saved = await download_to_file(storage_client, resolve, tmp_path / "photo.jpg")
    assert saved.read_bytes() == b"picture"
    assert len(handed) == 2
    _folder_is(tmp_path, ["photo.jpg"])


@pytest.mark.asyncio
async def test_link_past_its_expiry_is_never_used(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    key = _stored(local_s3, b"picture")
    used: list[str] = []

    async def record(request: httpx.Request) -> None:
        used.append(str(request.url))

    storage_client.event_hooks["request"].append(record)
    old = ResolvedLink(local_s3.link(key), datetime.now(UTC) - timedelta(seconds=1))
    fresh = link_from_url(local_s3.link(key))
    resolve, handed = _resolver_of(old, fresh)
    await download_to_file(storage_client, resolve, tmp_path / "photo.jpg")
    assert len(handed) == 2
    assert used == [fresh.url]


@pytest.mark.asyncio
async def test_links_that_keep_arriving_expired(
    storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    dead = ResolvedLink("http://127.0.0.1:9/never", datetime.now(UTC) - timedelta(minutes=1))
    resolve, handed = _resolver_of(dead)
    with pytest.raises(LinkExpired, match="clock"):
        await download_to_file(storage_client, resolve, tmp_path / "x")
    assert len(handed) == 2
    _folder_is(tmp_path, [])


@pytest.mark.asyncio
async def test_storage_expiry_twice_gives_up(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    key = _stored(local_s3, b"picture")
    dead_url = local_s3.link(key, ttl=timedelta(seconds=1))
    await _until_storage_refuses(storage_client, dead_url)
    resolve, handed = _resolver_of(ResolvedLink(dead_url, datetime.now(UTC) + timedelta(hours=1)))
    with pytest.raises(LinkExpired):
        await download_to_file(storage_client, resolve, tmp_path / "photo.jpg")
    assert len(handed) == 2
    _folder_is(tmp_path, [])


@pytest.mark.asyncio
async def test_tampered_link_is_denied_and_nothing_is_written(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    url = local_s3.link(_stored(local_s3, b"picture"))
    tampered = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    resolve, _ = _resolver_of(link_from_url(tampered))
    with pytest.raises(StorageDenied) as caught:
        await download_to_file(storage_client, resolve, tmp_path / "photo.jpg")
    assert "X-Amz-Signature" not in str(caught.value)
    _folder_is(tmp_path, [])


@pytest.mark.asyncio
async def test_missing_object(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    resolve, _ = _resolver_of(link_from_url(local_s3.link(local_s3.new_key())))
    with pytest.raises(NotFound):
        await download_to_file(storage_client, resolve, tmp_path / "photo.jpg")
    _folder_is(tmp_path, [])


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [401, 403])
async def test_error_body_is_never_saved_as_the_file(status: int, tmp_path: Path) -> None:
    # What Trello's storage says to a request without credentials: 33 bytes of text.
    def storage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text="unauthorized permission requested")

    existing = tmp_path / "report.pdf"
    existing.write_bytes(b"the old copy")
    resolve, _ = _resolver_of(link_from_url("https://files.test/report.pdf"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(storage)) as client:
        with pytest.raises(StorageDenied) as caught:
            await download_to_file(client, resolve, existing)
    assert caught.value.detail == "unauthorized permission requested"
    assert existing.read_bytes() == b"the old copy"
    _folder_is(tmp_path, ["report.pdf"])


@pytest.mark.asyncio
async def test_size_other_than_the_service_said(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    resolve, _ = _resolver_of(link_from_url(local_s3.link(_stored(local_s3, b"12345"))))
    with pytest.raises(IntegrityError):
        await download_to_file(storage_client, resolve, tmp_path / "x.bin", expected_size=6)
    _folder_is(tmp_path, [])


@pytest.mark.asyncio
async def test_body_shorter_than_its_content_length(tmp_path: Path) -> None:
    async def five_bytes() -> AsyncIterator[bytes]:
        yield b"12345"

    def storage(request: httpx.Request) -> httpx.Response:
        # A mock transport does not hold a body to its Content-Length: the count is ours.
        return httpx.Response(200, content=five_bytes(), headers={"Content-Length": "9"})

    resolve, _ = _resolver_of(link_from_url("https://files.test/x"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(storage)) as client:
        with pytest.raises(IntegrityError, match="did not arrive whole"):
            await download_to_file(client, resolve, tmp_path / "x.bin")
    _folder_is(tmp_path, [])


@pytest.mark.asyncio
async def test_progress_and_replacing_an_old_copy(
    local_s3: LocalS3, storage_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    data = bytes(range(256)) * 10_000
    resolve, _ = _resolver_of(link_from_url(local_s3.link(_stored(local_s3, data))))
    dest = tmp_path / "x.bin"
    dest.write_bytes(b"old")
    seen: list[tuple[int, int]] = []
    await download_to_file(
        storage_client,
        resolve,
        dest,
        expected_size=len(data),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert dest.read_bytes() == data
    assert seen[-1] == (len(data), len(data))
    _folder_is(tmp_path, ["x.bin"])


@pytest.mark.asyncio
async def test_full_disk(
    local_s3: LocalS3,
    storage_client: httpx.AsyncClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_space(_fd: int, _buffers: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "writev", no_space)
    dest = tmp_path / "x.bin"
    dest.write_bytes(b"the old copy")
    resolve, _ = _resolver_of(link_from_url(local_s3.link(_stored(local_s3, b"abc"))))
    with pytest.raises(DiskFull, match="no room left"):
        await download_to_file(storage_client, resolve, dest)
    assert dest.read_bytes() == b"the old copy"
    _folder_is(tmp_path, ["x.bin"])


@pytest.mark.asyncio
async def test_cancel_mid_download_leaves_no_temporary_file(tmp_path: Path) -> None:
    started = asyncio.Event()

    async def slow_body() -> AsyncIterator[bytes]:
        yield b"x" * 1024
        started.set()
        await asyncio.sleep(3600)
        yield b"never"

    def storage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=slow_body(), headers={"Content-Length": "4096"})

    resolve, _ = _resolver_of(link_from_url("https://files.test/x"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(storage)) as client:
        task = asyncio.create_task(download_to_file(client, resolve, tmp_path / "x.bin"))
        await asyncio.wait_for(started.wait(), 10)
        await wait_until(lambda: any(tmp_path.iterdir()), 10, "the partial file")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    _folder_is(tmp_path, [])


@pytest.mark.asyncio
async def test_saves_the_bytes_as_stored_even_when_encoded(tmp_path: Path) -> None:
    stored = gzip.compress(b"hello " * 1000)
    asked: list[str] = []

    async def body() -> AsyncIterator[bytes]:
        yield stored

    def storage(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers.get("Accept-Encoding", ""))
        headers = {"Content-Encoding": "gzip", "Content-Length": str(len(stored))}
        return httpx.Response(200, content=body(), headers=headers)

    resolve, _ = _resolver_of(link_from_url("https://files.test/log.txt.gz"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(storage)) as client:
        saved = await download_to_file(
            client, resolve, tmp_path / "log.txt.gz", expected_size=len(stored)
        )
    assert saved.read_bytes() == stored
    assert asked == ["identity"]
