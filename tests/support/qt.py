"""Async tests on the Qt event loop (qasync), as the app runs them.

A test package opts in from its conftest.py:

    from tests.support.qt import pytest_asyncio_loop_factories  # noqa: F401
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _qasync_loop() -> asyncio.AbstractEventLoop:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    return qasync.QEventLoop(app, already_running=False)


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    del config, item
    return {"qasync": _qasync_loop}


async def wait_until(
    condition: Callable[[], object], timeout: float = 15.0, what: str = "condition"
) -> None:
    """Let the Qt loop run until `condition()` is true (never qtbot.wait in async tests)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
