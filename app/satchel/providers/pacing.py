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
import inspect
import logging
import re
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

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

    def until_room(self) -> float:
        """Seconds until the oldest start recorded leaves the window (the whole window when
        none is recorded: the budget was spent elsewhere, by another program)."""
        now = self._clock()
        past = [start for start in self._starts if start <= now]
        if not past:
            return self.window
        return max(0.0, past[0] + self.window - now)


_pacers: dict[tuple[str, int, float], Pacer] = {}


def pacer_for(credential: str, limit: int, window: float) -> Pacer:
    """The process-wide pacer of one credential's budget."""
    digest = hashlib.sha256(credential.encode()).hexdigest()
    key = (digest, limit, window)
    pacer = _pacers.get(key)
    if pacer is None:
        pacer = _pacers[key] = Pacer(limit, window + WINDOW_MARGIN_SECONDS)
    return pacer


@dataclass(frozen=True, slots=True)
class Budget:
    """One request budget a service sets: at most `limit` requests per `window` seconds,
    counted per `credential` ("token", "key"...), for the paths `paths` matches (all when
    None). `exhausted` is the code the service's 429 names it by; a 429 for a budget with
    `wait_out` waits until the window has room instead of a few quick retries."""

    name: str
    limit: int
    window: float
    credential: str
    paths: re.Pattern[str] | None = None
    exhausted: str = ""
    wait_out: bool = False

    def covers(self, path: str) -> bool:
        return self.paths is None or self.paths.fullmatch(path) is not None

    def pacer(self, credential: str) -> Pacer:
        """This budget's process-wide pacer for one credential's value."""
        return pacer_for(f"{self.name}:{credential}", self.limit, self.window)


@dataclass(frozen=True, slots=True)
class PacedBudget:
    budget: Budget
    pacer: Pacer


#: Told when a request waits out a budget: (what a person reads, seconds). The window
#: shows it in its status bar; nothing here knows of Qt. Bound methods are held weakly,
#: so a window that goes away stops listening by itself.
WaitListener = Callable[[str, float], None]
_wait_listeners: list[Callable[[], WaitListener | None]] = []


def listen_for_waits(listener: WaitListener) -> Callable[[], None]:
    """Call `listener` for each long wait; returns the function that stops it."""
    if inspect.ismethod(listener):
        held: Callable[[], WaitListener | None] = weakref.WeakMethod(listener)
    else:
        held = lambda: listener  # noqa: E731 - a plain function: held as it is
    _wait_listeners.append(held)
    return lambda: _wait_listeners.remove(held) if held in _wait_listeners else None


def announce_wait(text: str, seconds: float) -> None:
    log.info("%s", text)
    _wait_listeners[:] = [held for held in _wait_listeners if held() is not None]
    for held in list(_wait_listeners):
        listener = held()
        if listener is not None:
            listener(text, seconds)
