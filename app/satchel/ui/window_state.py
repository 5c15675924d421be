"""The window's size, layout, column widths and preview toggle, kept between runs."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QSplitter, QTreeView, QWidget

from satchel import settings

FIRST_SCREEN_SHARE = 0.8
FIRST_MAX_WIDTH, FIRST_MAX_HEIGHT = 1400, 900


def restore_state(window: QMainWindow, splitter: QSplitter, tree: QTreeView, pane: QWidget) -> None:
    store = settings.open_settings()
    if geometry := settings.WINDOW_GEOMETRY.get(store):
        window.restoreGeometry(geometry)
    else:
        _first_size(window)
    if state := settings.WINDOW_STATE.get(store):
        window.restoreState(state)
    if splitter_state := settings.SPLITTER_STATE.get(store):
        splitter.restoreState(splitter_state)
    if header := settings.TREE_HEADER_STATE.get(store):
        tree.header().restoreState(header)
    else:
        tree.setColumnWidth(0, 300)
        tree.setColumnWidth(1, 80)
        tree.setColumnWidth(2, 130)
        splitter.setSizes([560, 540])
    pane.setVisible(settings.PREVIEW_VISIBLE.get(store))


def _first_size(window: QMainWindow) -> None:
    """The first start: about 80% of the screen, so every column shows, at most
    1400×900; later starts restore the person's own size."""
    screen = window.screen().availableGeometry()
    width = min(FIRST_MAX_WIDTH, round(screen.width() * FIRST_SCREEN_SHARE))
    height = min(FIRST_MAX_HEIGHT, round(screen.height() * FIRST_SCREEN_SHARE))
    window.resize(width, height)
    window.move(screen.center().x() - width // 2, screen.center().y() - height // 2)


def save_state(window: QMainWindow, splitter: QSplitter, tree: QTreeView, pane: QWidget) -> None:
    store = settings.open_settings()
    settings.WINDOW_GEOMETRY.set(store, window.saveGeometry())
    settings.WINDOW_STATE.set(store, window.saveState())
    settings.SPLITTER_STATE.set(store, splitter.saveState())
    settings.TREE_HEADER_STATE.set(store, tree.header().saveState())
    settings.PREVIEW_VISIBLE.set(store, pane.isVisibleTo(window))
    store.sync()
