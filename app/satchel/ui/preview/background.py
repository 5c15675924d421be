"""Work the preview does off the UI thread: decoding, parsing, smoothing a zoomed image.

A job runs on a small pool of worker threads and its result is handed back on the Qt
thread. Every job has a ticket; cancelling the ticket (the selection moved on, the
zoom changed again) makes the job stop at its next check and, whatever it was doing,
its result is dropped: a superseded job never reaches a widget.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

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


class Ticket:
    """One job: cancel it, or ask from inside it whether it should go on. A worker sees
    only this: what to call back (and the widgets behind it) stays on the Qt thread."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

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


class _Relay(QObject):
    """Carries results to the Qt thread; lives as long as the application, so a worker
    never emits on an object being deleted."""

    finished = Signal(object, bool, object)  # ticket, succeeded, result or error
    #: No job runs any more: garbage collection may resume (on the Qt thread).
    jobs_idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs_idle.connect(self._on_jobs_idle)

    def _on_jobs_idle(self) -> None:
        # A little later: the worker is then back waiting for work, allocating nothing.
        QTimer.singleShot(GC_RESUME_DELAY_MS, self, _resume_gc)


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay(QCoreApplication.instance())
    return _relay


# Cyclic garbage collection is paused while jobs run (a CSV's rows would start one on
# the worker): a collection on a worker deletes the Qt objects in unreachable cycles
# there, and a widget deleted off its thread leaves timers behind for the event loop
# to crash on. It is paused and resumed on the Qt thread, never on a worker.
GC_RESUME_DELAY_MS = 200
_gc_lock = threading.Lock()
_jobs_running = 0
_gc_paused_by_us = False


def _pause_gc() -> None:
    global _jobs_running, _gc_paused_by_us
    with _gc_lock:
        _jobs_running += 1
        if not _gc_paused_by_us and gc.isenabled():
            gc.disable()
            _gc_paused_by_us = True


def _job_ended(relay: _Relay) -> None:
    global _jobs_running
    with _gc_lock:
        _jobs_running -= 1
        idle = _jobs_running == 0
    if idle:
        relay.jobs_idle.emit()


def _resume_gc() -> None:
    global _gc_paused_by_us
    with _gc_lock:
        if _jobs_running == 0 and _gc_paused_by_us:
            gc.enable()
            _gc_paused_by_us = False


def _work(job: Callable[[Check], Any], ticket: Ticket, relay: _Relay) -> None:
    """On a worker: run the job; whatever came of it goes to the Qt thread, which drops
    it when the ticket was cancelled (and forgets the callbacks either way)."""
    succeeded, result = False, None
    try:
        ticket.check()
        result = job(ticket.check)
        succeeded = True
    except Superseded:
        pass
    except Exception as error:  # handed to the Qt thread, which says it in the pane
        result = error
    relay.finished.emit(ticket, succeeded, result)
    del result, job  # the Qt thread holds the result now; nothing stays here
    _job_ended(relay)


class Background(QObject):
    """Runs jobs on the worker threads; `on_done` or `on_error` are called on the Qt
    thread, unless the ticket was cancelled or this object is gone by then."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: dict[Ticket, tuple[Callable[[Any], None], Callable[[Any], None]]] = {}
        _the_relay().finished.connect(self._on_relay_finished)

    def run(
        self,
        job: Callable[[Check], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
        *,
        low_priority: bool = False,
    ) -> Ticket:
        """`low_priority` for jobs that spend their time in Qt's C++ without the GIL."""
        ticket = Ticket()
        self._waiting[ticket] = (on_done, on_error)
        _pause_gc()  # here, on the Qt thread, before the worker allocates anything
        _executor(low_priority).submit(_work, job, ticket, _the_relay())
        return ticket

    def _on_relay_finished(self, ticket: Ticket, succeeded: bool, result: Any) -> None:
        callbacks = self._waiting.pop(ticket, None)
        if callbacks is None or ticket.cancelled:  # another's, or cancelled on its way
            return
        on_done, on_error = callbacks
        if succeeded:
            on_done(result)
        else:
            on_error(result)
