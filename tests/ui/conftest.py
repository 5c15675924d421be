from tests.support.qt import pytest_asyncio_loop_factories  # noqa: F401
from tests.ui.pane_fixture import pane  # noqa: F401
from tests.ui.window_fixtures import isolated_paths, queue_rig, rig  # noqa: F401
