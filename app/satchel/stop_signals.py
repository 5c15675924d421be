"""Ending a command cleanly on every way a person or the system asks it to stop.

Ctrl-C (SIGINT) everywhere; SIGTERM (`kill`, a service manager); SIGHUP on Linux and
macOS (the terminal closed); SIGBREAK on Windows (Ctrl-Break, and closing the console
window, which Windows' C runtime reports as SIGBREAK). Each ends the running asyncio
code the way Ctrl-C does: its task is cancelled, its clean-up runs (the transfer queue
leaves its journal consistent), and `KeyboardInterrupt` comes out, which the command
line turns into exit code 130.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Coroutine
from types import FrameType
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The stop signals by name; those this platform lacks are left out.
STOP_SIGNAL_NAMES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")


def stop_signals() -> list[signal.Signals]:
    """The signals that mean "stop" on this platform."""
    return [getattr(signal, name) for name in STOP_SIGNAL_NAMES if hasattr(signal, name)]


def run_until_stopped(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)`, where any stop signal ends `main` as Ctrl-C does.

    The first signal cancels `main` (its clean-up runs); a second one while it cleans
    up is ignored, so the clean-up is never cut short. Raises KeyboardInterrupt if a
    signal ended `main`.
    """
    received: list[int] = []

    async def guarded() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            if not received:
                log.info("got %s: stopping", signal.Signals(signum).name)
                loop.call_soon_threadsafe(task.cancel)
            received.append(signum)

        previous = {sig: signal.signal(sig, on_signal) for sig in stop_signals()}
        try:
            return await main
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    try:
        return asyncio.run(guarded())
    except asyncio.CancelledError:
        if received:
            raise KeyboardInterrupt from None
        raise
