from tests.support.qt import pytest_asyncio_loop_factories  # noqa: F401
