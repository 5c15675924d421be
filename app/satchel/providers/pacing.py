"""Stay under a service's request budget, and back off when it says to slow down.

Trello allows 100 requests per 10 s per token and 300 per key, answers 429 past that,
and documents no Retry-After: the client has to pace itself. A `Pacer` is a sliding
window shared by everything in this process that spends the same budget
(`pacer_for()` keys them by a hash of the credential, never the credential itself).
It holds no asyncio primitive, so it may outlive an event loop (the command line runs
one loop per command).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

#: Slack added to a window: a request sent at the edge of one may arrive inside it.
WINDOW_MARGIN_SECONDS = 0.5


class Pacer:
    """At most `limit` request starts in any `window` seconds; callers wait their turn."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a pacer needs a positive limit and window")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        # Start times handed out, in order; some may lie in the future (callers waiting).
        self._starts: deque[float] = deque()
        self._not_before = float("-inf")

    def __repr__(self) -> str:
        return f"Pacer({self.limit} per {self.window:g} s)"

    def _reserve(self) -> float:
        """Claim the earliest start the budget allows; returns it (maybe in the future)."""
        now = self._clock()
        starts = self._starts
        while starts and starts[0] <= now - self.window:
            starts.popleft()
        slot = max(now, self._not_before)
        if len(starts) >= self.limit:
            slot = max(slot, starts[-self.limit] + self.window)
        if starts:
            slot = max(slot, starts[-1])  # keep the record in order
        starts.append(slot)
        return slot - now

    async def acquire(self) -> None:
        """Wait until one more request may start. A cancelled wait keeps its slot spent."""
        delay = self._reserve()
        if delay > 0:
            await self._sleep(delay)

    def hold_off(self, seconds: float) -> None:
        """The service said "too many": nobody starts another request for `seconds`."""
        self._not_before = max(self._not_before, self._clock() + seconds)


_pacers: dict[tuple[str, int, float], Pacer] = {}


def pacer_for(credential: str, limit: int, window: float) -> Pacer:
    """The process-wide pacer of one credential's budget."""
    digest = hashlib.sha256(credential.encode()).hexdigest()
    key = (digest, limit, window)
    pacer = _pacers.get(key)
    if pacer is None:
        pacer = _pacers[key] = Pacer(limit, window + WINDOW_MARGIN_SECONDS)
    return pacer
