"""Numbers for people: sizes, rates, durations, a one-line progress bar."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from satchel.domain import units


def human_size(size: float | None) -> str:
    return "-" if size is None else units.human_size(size)


def human_duration(seconds: float) -> str:
    return units.human_duration(seconds)


class ProgressBar:
    """A single updating line on stderr, redrawn at most ten times a second.

    On a stream that is not a terminal it prints nothing until the end, so logs of
    scripts stay clean.
    """

    def __init__(self, label: str, stream: TextIO = sys.stderr) -> None:
        self.label = label
        self.stream = stream
        self.interactive = stream.isatty()
        self._started = time.monotonic()
        self._last_draw = 0.0

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.interactive or (now - self._last_draw < 0.1 and done < total):
            return
        self._last_draw = now
        elapsed = max(now - self._started, 1e-6)
        rate = done / elapsed
        fraction = done / total if total else 1.0
        left = (total - done) / rate if rate > 0 else 0
        filled = int(fraction * 24)
        bar = "#" * filled + "-" * (24 - filled)
        self.stream.write(
            f"\r{self.label[:30]:30} [{bar}] {fraction:4.0%} {human_size(done)}"
            f" {human_size(rate)}/s {human_duration(left)} left   "
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()
