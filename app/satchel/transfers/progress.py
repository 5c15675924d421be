"""Speed as a rolling average over the last few seconds, cheap enough to feed per chunk."""

from __future__ import annotations

import time
from collections import deque

#: Long enough to smooth bursts (a 1 MiB chunk at a time), short enough to follow a change.
WINDOW_SECONDS = 5.0
#: Below this much history the average is noise: report no speed yet.
MIN_SPAN_SECONDS = 0.2


class RollingRate:
    """Feed it a growing byte count; ask it bytes per second over the last window."""

    __slots__ = ("_samples", "_window")

    def __init__(self, window: float = WINDOW_SECONDS) -> None:
        self._window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, total: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        samples = self._samples
        if samples and total < samples[-1][1]:
            samples.clear()  # started over (a retry): the old history says nothing now
        samples.append((now, total))
        while len(samples) > 2 and now - samples[1][0] >= self._window:
            samples.popleft()

    def reset(self) -> None:
        self._samples.clear()

    def rate(self, now: float | None = None) -> float:
        if len(self._samples) < 2:
            return 0.0
        now = time.monotonic() if now is None else now
        first_time, first_total = self._samples[0]
        last_time, last_total = self._samples[-1]
        if now - last_time > self._window:
            return 0.0  # stalled: nothing arrived for a whole window
        span = max(now, last_time) - first_time
        if span < MIN_SPAN_SECONDS:
            return 0.0
        return (last_total - first_total) / span


class Throughput:
    """The whole queue's bytes moved, as one rolling average over all its items."""

    def __init__(self) -> None:
        self._moved = 0
        self._rate = RollingRate()

    def add(self, moved: int, now: float) -> None:
        self._moved += moved
        self._rate.add(self._moved, now)

    def rate(self, now: float | None = None) -> float:
        return self._rate.rate(now)
