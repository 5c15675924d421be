"""Work the preview does off the UI thread: decoding, parsing, smoothing a zoomed image.

A job runs on a small pool of worker threads and its result is handed back on the Qt
thread. Every job has a ticket; cancelling the ticket (the selection moved on, the
zoom changed again) makes the job stop at its next check and, whatever it was doing,
its result is dropped: a superseded job never reaches a widget.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")
#: Two threads: a decode that was superseded may still be finishing while the next runs
#: (QImageReader cannot stop mid-image), and the machine is shared with the window.
WORKERS = 2

_pools: dict[bool, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


#: Image workers yield the CPU to the UI thread: on a busy machine a decode at the same
#: priority takes the core the event loop needs (stalls of 50 ms with the UI thread doing
#: nothing). Only for work that runs without the GIL (Qt's image code): a Python job
#: holding the GIL at low priority would keep the UI thread waiting for it longer.
WORKER_NICENESS = 10


def _lower_priority() -> None:
    if sys.platform.startswith("linux"):  # elsewhere setpriority would renice the process
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)


def _executor(low_priority: bool) -> ThreadPoolExecutor:
    with _pools_lock:
        pool = _pools.get(low_priority)
        if pool is None:
            pool = _pools[low_priority] = ThreadPoolExecutor(
                WORKERS,
                thread_name_prefix="preview-worker",
                initializer=_lower_priority if low_priority else None,
            )
        return pool


class Superseded(Exception):
    """The job's ticket was cancelled: stop, nobody wants the result."""


class Ticket(Generic[T]):
    """One job: cancel it, or ask from inside it whether it should go on."""

    def __init__(
        self, on_done: Callable[[T], None], on_error: Callable[[BaseException], None]
    ) -> None:
        self._cancelled = threading.Event()
        self.on_done = on_done
        self.on_error = on_error

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise Superseded once cancelled; jobs call it between their steps."""
        if self._cancelled.is_set():
            raise Superseded


#: What a job is given: the ticket's `check`, to call between steps.
Check = Callable[[], None]


class Background(QObject):
    """Runs jobs on the worker threads; results come back on the thread it lives on."""

    _finished = Signal(object, bool, object)  # ticket, succeeded, result or error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._finished.connect(self._on_finished)  # queued: emitted from a worker thread

    def run(
        self,
        job: Callable[[Check], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
        *,
        low_priority: bool = False,
    ) -> Ticket[T]:
        """`low_priority` for jobs that spend their time in Qt's C++ without the GIL."""
        ticket: Ticket[T] = Ticket(on_done, on_error)
        _executor(low_priority).submit(self._work, job, ticket)
        return ticket

    def _work(self, job: Callable[[Check], Any], ticket: Ticket[Any]) -> None:
        try:
            ticket.check()
            result: Any = job(ticket.check)
            succeeded = True
        except Superseded:
            return
        except Exception as error:  # handed to the Qt thread, which says it in the pane
            result, succeeded = error, False
        if ticket.cancelled:
            return
        with contextlib.suppress(RuntimeError):  # the receiver's Qt object is gone
            self._finished.emit(ticket, succeeded, result)

    def _on_finished(self, ticket: Ticket[Any], succeeded: bool, result: Any) -> None:
        if ticket.cancelled:  # cancelled while the result was on its way
            return
        if succeeded:
            ticket.on_done(result)
        else:
            ticket.on_error(result)
