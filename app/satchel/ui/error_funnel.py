"""Where every unexpected exception ends up: logged with its traceback, then shown once.

`sys.excepthook` (which qasync's async slots use) and the asyncio loop's exception
handler both lead here, so a bug never kills the window silently and never shows a
raw crash dialog.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from satchel.domain.errors import SatchelError
from satchel.log import redact

log = logging.getLogger("satchel.crash")

#: (message for a person, technical details)
Show = Callable[[str, str], None]


class ErrorFunnel:
    def __init__(self, show: Show, expected: Callable[[SatchelError], None]) -> None:
        self._show = show
        self._expected = expected
        self._previous_hook = sys.excepthook

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        sys.excepthook = self._excepthook
        loop.set_exception_handler(self._loop_handler)

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook

    def report(self, error: BaseException) -> None:
        if isinstance(error, SatchelError):
            self._expected(error)
            return
        # What the dialog shows may be copied into a bug report: no secret in it.
        details = redact("".join(traceback.format_exception(error)))
        log.error("unexpected error\n%s", details)
        self._show(
            redact(
                f"Something went wrong inside Satchel ({type(error).__name__}: {error}). "
                "Your work is kept. If it happens again, please report it with the details."
            ),
            details,
        )

    def _excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hook(kind, error, tb)
            return
        self.report(error.with_traceback(tb))

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            self.report(error)
        else:
            log.warning("asyncio: %s", context.get("message"))
