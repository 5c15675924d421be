"""Resolved links know when they die, and are never used after that.

A presigned SigV4 URL carries its birth (`X-Amz-Date`) and lifetime
(`X-Amz-Expires`); a SigV2 one carries `Expires` (epoch seconds). Otherwise the
service's word, or a default lifetime counted from now, is all there is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from satchel.domain.model import ResolvedLink

#: The bearer dialect's links live 15 minutes.
DEFAULT_LINK_TTL = timedelta(minutes=15)
#: A cached link is reused only while it has at least this long left to live.
MIN_TIME_LEFT = timedelta(seconds=60)

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _query_value(query: dict[str, list[str]], name: str) -> str | None:
    # Query names are case-sensitive in S3, but be lenient with proxies that lower them.
    for key, values in query.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


def presigned_expiry(url: str) -> datetime | None:
    """When a presigned URL stops working, from its own query; None if it does not say."""
    query = parse_qs(urlsplit(url).query)
    signed_at = _query_value(query, "X-Amz-Date")
    lifetime = _query_value(query, "X-Amz-Expires")
    if signed_at and lifetime and lifetime.isdigit():
        try:
            born = datetime.strptime(signed_at, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            return None
        return born + timedelta(seconds=int(lifetime))
    expires = _query_value(query, "Expires")
    if expires and expires.isdigit():
        return datetime.fromtimestamp(int(expires), UTC)
    return None


def link_from_url(
    url: str,
    *,
    expires_at: datetime | None = None,
    default_ttl: timedelta = DEFAULT_LINK_TTL,
    now: datetime | None = None,
) -> ResolvedLink:
    """A ResolvedLink that dies at the earliest of: what the URL says, what the service said.

    With neither, it lives `default_ttl` from `now`.
    """
    candidates = [t for t in (presigned_expiry(url), expires_at) if t is not None]
    death = min(candidates) if candidates else (now or _utc_now()) + default_ttl
    return ResolvedLink(url=url, expires_at=death)


class LinkCache:
    """Resolved links by attachment id, handed out only while they have `min_left` to live."""

    def __init__(self, min_left: timedelta = MIN_TIME_LEFT, clock: Clock = _utc_now) -> None:
        self._links: dict[str, ResolvedLink] = {}
        self._min_left = min_left
        self._clock = clock

    def get(self, key: str) -> ResolvedLink | None:
        link = self._links.get(key)
        if link is None:
            return None
        if not link.is_usable(self._min_left, now=self._clock()):
            del self._links[key]
            return None
        return link

    def put(self, key: str, link: ResolvedLink) -> None:
        self._links[key] = link

    def forget(self, key: str) -> None:
        self._links.pop(key, None)

    def clear(self) -> None:
        self._links.clear()

    async def resolve(
        self, key: str, resolver: Callable[[], Awaitable[ResolvedLink]]
    ) -> ResolvedLink:
        """The cached link if it still has time left, else a fresh one from `resolver`."""
        link = self.get(key)
        if link is None:
            link = await resolver()
            self.put(key, link)
        return link
