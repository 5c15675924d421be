"""The preview pane alone, as the preview tests use it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from satchel.ui.preview import PreviewPane


@pytest.fixture
def pane(qtbot: QtBot) -> Iterator[PreviewPane]:
    # Inside a plain window without a layout: the offscreen platform warns when a
    # top-level window's size hints change, and warnings fail tests.
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(800, 600)
    widget = PreviewPane(host)
    widget.setGeometry(0, 0, 800, 600)
    host.show()
    yield widget  # keeps `host` referenced (qtbot holds widgets weakly); qtbot closes it
