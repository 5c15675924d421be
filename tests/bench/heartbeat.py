"""The worst stall of the Qt event loop, as a person feels it: a timer every 5 ms, and the
largest gap between two of its ticks. Shared by the benchmarks that measure stalls."""

from __future__ import annotations

import asyncio
import time

from PySide6.QtCore import Qt, QTimer

HEARTBEAT_MS = 5
#: Two frames at 60 Hz: the most a person should wait for a click or a scroll.
STALL_BUDGET_MS = 33.0


class Heartbeat:
    """A timer every 5 ms; the largest gap between two ticks is the worst stall.

    `worst_cpu` is the most CPU time the loop's thread itself spent within one gap: on a
    busy machine a gap can be long while the thread waits for a core, and this says how
    much of a stall was the program's own work."""

    def __init__(self) -> None:
        self._timer = QTimer(interval=HEARTBEAT_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self.worst = 0.0
        self.worst_cpu = 0.0
        self._timer.start()

    def reset(self) -> None:
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self.worst = 0.0
        self.worst_cpu = 0.0

    def stop(self) -> None:
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, now - self._last)
        self.worst_cpu = max(self.worst_cpu, cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu


async def idle(heartbeat: Heartbeat, seconds: float) -> float:
    """The worst stall (seconds) of a loop with nothing to do: the machine's own noise."""
    heartbeat.reset()
    await asyncio.sleep(seconds)
    return heartbeat.worst


def stall_line(name: str, stall_ms: float) -> str:
    """`NAME: satchel X ms, reference 33 ms, ratio R (target <= 1.0)`."""
    ratio = stall_ms / STALL_BUDGET_MS
    return (
        f"{name}: satchel {stall_ms:.0f} ms, reference {STALL_BUDGET_MS:.0f} ms, "
        f"ratio {ratio:.2f} (target <= 1.0)"
    )
