"""Numbers for people: sizes, rates, durations, a one-line progress bar."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def human_size(size: float | None) -> str:
    if size is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size) < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"  # pragma: no cover - the loop returns


def human_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


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
