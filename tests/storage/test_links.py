"""Links know when they die: from the presigned URL, the service's word, or a default."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from satchel.domain.model import ResolvedLink
from satchel.storage.links import LinkCache, link_from_url, presigned_expiry

from .conftest import LocalS3

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SIGV4 = (
    "https://s3.test/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260301"
    "&X-Amz-Date=20260301T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=abc"
)


def test_sigv4_link_dies_at_date_plus_expires() -> None:
    assert presigned_expiry(SIGV4) == NOW + timedelta(seconds=900)
    assert link_from_url(SIGV4).expires_at == NOW + timedelta(seconds=900)


def test_sigv2_link_dies_at_expires() -> None:
    url = f"https://s3.test/b/k?AWSAccessKeyId=AK&Expires={int(NOW.timestamp())}&Signature=x"
    assert presigned_expiry(url) == NOW


def test_the_service_may_say_sooner() -> None:
    sooner = NOW + timedelta(minutes=5)
    assert link_from_url(SIGV4, expires_at=sooner).expires_at == sooner
    assert link_from_url(SIGV4, expires_at=NOW + timedelta(days=1)).expires_at == (
        NOW + timedelta(seconds=900)
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://files.test/report.pdf",
        "https://s3.test/b/k?X-Amz-Date=garbage&X-Amz-Expires=900",
        "https://s3.test/b/k?X-Amz-Date=20260301T120000Z&X-Amz-Expires=soon",
    ],
)
def test_without_a_readable_expiry_the_default_ttl_applies(url: str) -> None:
    link = link_from_url(url, default_ttl=timedelta(minutes=15), now=NOW)
    assert link.expires_at == NOW + timedelta(minutes=15)


def test_real_presigned_link(local_s3: LocalS3) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    link = link_from_url(local_s3.link("k", ttl=timedelta(minutes=7)))
    assert before + timedelta(minutes=7) <= link.expires_at
    assert link.expires_at <= datetime.now(UTC) + timedelta(minutes=7, seconds=1)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_cache_reuses_a_link_only_with_a_minute_left() -> None:
    clock = Clock()
    cache = LinkCache(clock=clock)
    link = ResolvedLink("https://s3.test/x", NOW + timedelta(minutes=15))
    cache.put("a1", link)
    clock.now = NOW + timedelta(minutes=13, seconds=59)
    assert cache.get("a1") is link
    clock.now = NOW + timedelta(minutes=14, seconds=1)
    assert cache.get("a1") is None
    assert cache.get("a1") is None  # and it is gone for good


@pytest.mark.asyncio
async def test_cache_resolves_only_when_needed() -> None:
    clock = Clock()
    cache = LinkCache(clock=clock)
    calls = 0

    async def resolve() -> ResolvedLink:
        nonlocal calls
        calls += 1
        return ResolvedLink(f"https://s3.test/x?n={calls}", clock.now + timedelta(minutes=15))

    first = await cache.resolve("a1", resolve)
    assert await cache.resolve("a1", resolve) is first
    clock.now += timedelta(minutes=14, seconds=30)
    second = await cache.resolve("a1", resolve)
    assert second is not first
    assert calls == 2
    cache.forget("a1")
    await cache.resolve("a1", resolve)
    assert calls == 3
