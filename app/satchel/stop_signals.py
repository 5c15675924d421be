"""Ending a command cleanly on every way a person or the system asks it to stop.

Ctrl-C (SIGINT) everywhere; SIGTERM (`kill`, a service manager); SIGHUP on Linux and
macOS (the terminal closed); on Windows SIGBREAK (Ctrl-Break) and closing the console
window (a console handler that holds Windows off until the clean-up is done: the C
runtime reports it as SIGBREAK, but Windows ends the process before Python could act on
it). Each ends the running asyncio
code the way Ctrl-C does: its task is cancelled, its clean-up runs (the transfer queue
leaves its journal consistent), and `KeyboardInterrupt` comes out, which the command
line turns into exit code 130.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
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
    received: list[str] = []
    cleaned_up = threading.Event()

    async def guarded() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def stop(reason: str) -> None:
            if not received:
                log.info("%s: stopping", reason)
                loop.call_soon_threadsafe(task.cancel)
            received.append(reason)

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            stop(f"got {signal.Signals(signum).name}")

        previous = {sig: signal.signal(sig, on_signal) for sig in stop_signals()}
        try:
            with _console_close_waits(lambda: stop("the console closes"), cleaned_up):
                try:
                    return await main
                finally:
                    cleaned_up.set()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    try:
        return asyncio.run(guarded())
    except asyncio.CancelledError:
        if received:
            raise KeyboardInterrupt from None
        raise


if sys.platform == "win32":
    import ctypes

    _CTRL_CLOSE_EVENT = 2
    #: Windows ends a process about 5 s after its console closed.
    _CLOSE_GRACE_SECONDS = 4.5

    @contextlib.contextmanager
    def _console_close_waits(
        stop: Callable[[], None], cleaned_up: threading.Event
    ) -> Iterator[None]:
        """Closing the console: Windows ends the process the moment its handler returns
        (the C runtime's, which reports it as SIGBREAK, returns at once), so this
        handler stops the work and returns only once the clean-up is done."""
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)

        def on_console_event(event: int) -> int:
            if event != _CTRL_CLOSE_EVENT:
                return 0  # Ctrl-C, Ctrl-Break: on to the C runtime (SIGINT, SIGBREAK)
            stop()
            cleaned_up.wait(_CLOSE_GRACE_SECONDS)
            return 1

        handler = ctypes.WINFUNCTYPE(ctypes.c_int, ctypes.c_uint32)(on_console_event)
        added = bool(kernel32.SetConsoleCtrlHandler(handler, True))
        try:
            yield
        finally:
            if added:
                kernel32.SetConsoleCtrlHandler(handler, False)

else:

    def _console_close_waits(
        stop: Callable[[], None], cleaned_up: threading.Event
    ) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # POSIX: a closed terminal sends SIGHUP
