"""One way to run async work from the UI: tracked tasks, delayed busy state, one error path.

Like Anki's CollectionOp/QueryOp: the busy indicator appears only when work takes
longer than `BUSY_DELAY_MS`, failures we expect go to `failed`, and a reference to
every running task is kept so none is garbage-collected mid-flight.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from satchel.domain.errors import SatchelError

log = logging.getLogger(__name__)

T = TypeVar("T")
BUSY_DELAY_MS = 600


class TaskRunner(QObject):
    #: A failure we expect, for the window's one error place.
    failed = Signal(object)  # SatchelError
    #: Work is running and has taken longer than the delay; the text says what.
    busy_changed = Signal(bool, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: dict[asyncio.Task[Any], str] = {}
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._on_busy_timer_timeout)
        self._busy_shown = False

    @property
    def running(self) -> int:
        return len(self._tasks)

    def run(
        self,
        work: Coroutine[Any, Any, T],
        label: str,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[SatchelError], bool | None] | None = None,
    ) -> asyncio.Task[T]:
        """Start `work`; `on_error` returning True means it handled the error itself."""
        task = asyncio.ensure_future(work)
        self._tasks[task] = label
        if not self._busy_timer.isActive() and not self._busy_shown:
            self._busy_timer.start()

        def finished(done: asyncio.Task[T]) -> None:
            self._tasks.pop(done, None)
            self._update_busy()
            if done.cancelled():
                return
            error = done.exception()
            if error is None:
                if on_done is not None:
                    on_done(done.result())
            elif isinstance(error, SatchelError):
                if on_error is None or not on_error(error):
                    self.failed.emit(error)
            else:
                # A bug: the loop's exception handler leads to the crash handler.
                asyncio.get_event_loop().call_exception_handler(
                    {"message": f"unexpected error in {label}", "exception": error, "task": done}
                )

        task.add_done_callback(finished)
        return task

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def _on_busy_timer_timeout(self) -> None:
        if self._tasks:
            self._busy_shown = True
            self.busy_changed.emit(True, next(reversed(self._tasks.values())))

    def _update_busy(self) -> None:
        if self._tasks:
            if self._busy_shown:
                self.busy_changed.emit(True, next(reversed(self._tasks.values())))
            return
        self._busy_timer.stop()
        if self._busy_shown:
            self._busy_shown = False
            self.busy_changed.emit(False, "")
