"""The preview cache against the real local service: hits, invalidation, LRU, sharing, cancel."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from satchel.domain.errors import IntegrityError
from satchel.domain.model import Attachment
from satchel.domain.progress import ProgressCallback, no_progress
from satchel.providers.bearer import BearerProvider
from satchel.storage.content_cache import ContentCache
from tests.support.sandbox import SandboxInfo

ACCOUNT = "acme"


class CountingProvider(BearerProvider):
    """The real bearer provider, counting the downloads it is asked for."""

    def __init__(self, base_url: str, api_key: str) -> None:
        super().__init__(base_url, api_key)
        self.downloads: list[Attachment] = []

    async def download(
        self, attachment: Attachment, dest: Path, *, progress: ProgressCallback = no_progress
    ) -> Path:
        self.downloads.append(attachment)
        return await super().download(attachment, dest, progress=progress)


async def _all_attachments(provider: BearerProvider) -> dict[str, Attachment]:
    found: dict[str, Attachment] = {}
    for board in await provider.list_boards():
        for board_list in await provider.list_lists(board.id):
            for card in await provider.list_cards(board_list.id):
                for attachment in await provider.list_attachments(card.id):
                    found[attachment.name] = attachment
    return found


@pytest_asyncio.fixture
async def provider(sandbox: SandboxInfo, rw_key: str) -> AsyncIterator[CountingProvider]:
    async with CountingProvider(sandbox.base_url, rw_key) as connected:
        yield connected


@pytest_asyncio.fixture
async def demo(provider: CountingProvider) -> dict[str, Attachment]:
    return await _all_attachments(provider)


def _files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


@pytest.mark.asyncio
async def test_second_fetch_is_a_hit_and_keeps_the_extension(
    tmp_path: Path, provider: CountingProvider, demo: dict[str, Attachment]
) -> None:
    cache = ContentCache(tmp_path / "cache")
    hero = demo["Homepage hero.png"]
    seen: list[tuple[int, int]] = []

    first = await cache.fetch(
        provider, ACCOUNT, hero, lambda done, total: seen.append((done, total))
    )
    second = await cache.fetch(provider, ACCOUNT, hero, no_progress)

    assert first == second
    assert first.suffix == ".png" and first.name.endswith("Homepage hero.png")
    assert first.stat().st_size == hero.size == cache.size_on_disk()
    assert first.read_bytes().startswith(b"\x89PNG")
    assert (cache.misses, cache.hits) == (1, 1)
    assert len(provider.downloads) == 1
    assert seen[-1] == (hero.size, hero.size)
    # A new cache over the same folder (the next run) finds the file too.
    again = ContentCache(tmp_path / "cache")
    assert await again.fetch(provider, ACCOUNT, hero) == first
    assert (again.hits, again.misses, len(provider.downloads)) == (1, 0, 1)


@pytest.mark.asyncio
async def test_a_changed_attachment_is_fetched_again(
    tmp_path: Path, provider: CountingProvider, demo: dict[str, Attachment]
) -> None:
    cache = ContentCache(tmp_path / "cache")
    readme = demo["README.txt"]
    assert readme.created_at is not None
    original = await cache.fetch(provider, ACCOUNT, readme)

    newer = dataclasses.replace(readme, created_at=readme.created_at + timedelta(minutes=1))
    refetched = await cache.fetch(provider, ACCOUNT, newer)
    assert refetched != original
    assert refetched.read_bytes() == original.read_bytes()
    assert cache.misses == 2 and len(provider.downloads) == 2

    # A different size is another version too: it is fetched (and here, rightly, refused,
    # since the service's bytes do not match the size the record claims), never served stale.
    resized = dataclasses.replace(readme, size=(readme.size or 0) + 1)
    with pytest.raises(IntegrityError):
        await cache.fetch(provider, ACCOUNT, resized)
    assert cache.misses == 3 and len(provider.downloads) == 3
    assert _files(tmp_path / "cache") == sorted([original.name, refetched.name])

    # The same attachment under another account is another entry as well.
    other = await cache.fetch(provider, "another account", readme)
    assert other not in (original, refetched) and cache.misses == 4


@pytest.mark.asyncio
async def test_least_recently_used_files_are_evicted_over_the_cap(
    tmp_path: Path, provider: CountingProvider, demo: dict[str, Attachment]
) -> None:
    first, second, third = (demo[n] for n in ("README.txt", "Budget.csv", "site-config.json"))
    sizes = [a.size or 0 for a in (first, second, third)]
    cache = ContentCache(tmp_path / "cache", max_bytes=sum(sizes) - 1)

    first_path = await cache.fetch(provider, ACCOUNT, first)
    second_path = await cache.fetch(provider, ACCOUNT, second)
    await cache.fetch(provider, ACCOUNT, first)  # a hit: now the second is the oldest use
    third_path = await cache.fetch(provider, ACCOUNT, third)

    assert first_path.exists() and third_path.exists()
    assert not second_path.exists()
    assert cache.size_on_disk() == sizes[0] + sizes[2] <= cache.max_bytes
    assert _files(tmp_path / "cache") == sorted([first_path.name, third_path.name])

    # A file bigger than the whole cap is still kept (it is the one being shown).
    tiny = ContentCache(tmp_path / "cache", max_bytes=1)
    kept = await tiny.fetch(provider, ACCOUNT, second)
    assert _files(tmp_path / "cache") == [kept.name]

    tiny.clear()
    assert _files(tmp_path / "cache") == [] and tiny.size_on_disk() == 0


@pytest.mark.asyncio
async def test_concurrent_fetches_of_one_key_share_one_download(
    tmp_path: Path, provider: CountingProvider, demo: dict[str, Attachment]
) -> None:
    cache = ContentCache(tmp_path / "cache")
    mood = demo["Mood board.jpg"]

    paths = await asyncio.gather(*(cache.fetch(provider, ACCOUNT, mood) for _ in range(3)))

    assert len(set(paths)) == 1
    assert len(provider.downloads) == 1
    assert (cache.misses, cache.hits) == (1, 2)


@pytest.fixture
def big_file_provider(sandbox: SandboxInfo, other_rw_key: str) -> CountingProvider:
    return CountingProvider(sandbox.base_url, other_rw_key)


@pytest.mark.asyncio
async def test_cancel_leaves_no_partial_file(
    tmp_path: Path, big_file_provider: CountingProvider
) -> None:
    async with big_file_provider as provider:
        capture = next(
            a for name, a in (await _all_attachments(provider)).items() if name.endswith(".bin")
        )
        cache = ContentCache(tmp_path / "cache")
        started = asyncio.Event()

        def progress(_done: int, _total: int) -> None:
            started.set()

        fetch = asyncio.ensure_future(cache.fetch(provider, ACCOUNT, capture, progress))
        await started.wait()
        fetch.cancel()
        with pytest.raises(asyncio.CancelledError):
            await fetch

        assert _files(tmp_path / "cache") == []
        assert cache.size_on_disk() == 0


@pytest.mark.asyncio
async def test_one_waiter_cancelling_does_not_stop_the_others(
    tmp_path: Path, provider: CountingProvider, demo: dict[str, Attachment]
) -> None:
    cache = ContentCache(tmp_path / "cache")
    plan = demo["Launch plan.pdf"]
    quitter = asyncio.ensure_future(cache.fetch(provider, ACCOUNT, plan))
    stayer = asyncio.ensure_future(cache.fetch(provider, ACCOUNT, plan))
    await asyncio.sleep(0)
    quitter.cancel()

    path = await stayer
    assert quitter.cancelled()
    assert path.stat().st_size == plan.size
    assert len(provider.downloads) == 1
