"""What a person does to the window: press keys on the focused widget, click toolbar
buttons and menu items. Nothing here calls the window's methods or emits its signals, so a
broken key binding, an ambiguous shortcut or a disconnected action fails the test."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QToolBar, QWidget

from tests.support.qt import wait_until

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_keys() -> dict[str, str]:
    """The README's keyboard table: key as written -> what it does."""
    lines = README.read_text().splitlines()
    start = lines.index("| key | does |") + 2  # past the header and its rule
    table: dict[str, str] = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        key, does = (cell.strip() for cell in line.strip("|").split("|"))
        table[key] = does
    return table


async def activate(window: QMainWindow) -> None:
    window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is window, 10, "the window to activate")


async def focus(widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    await wait_until(lambda: QApplication.focusWidget() is widget, 10, "focus")


def press(window: QMainWindow, keys: str) -> None:
    """Press a literal key sequence ("Ctrl+Shift+D", "Space") on the focused widget."""
    combination = QKeySequence(keys)[0]
    assert combination.key() != Qt.Key.Key_unknown, keys
    focused = QApplication.focusWidget()
    assert focused is not None and focused.window() is window, f"focus is on {focused!r}"
    QTest.keyClick(focused, combination.key(), combination.keyboardModifiers())


def click_toolbar(window: QMainWindow, action: QAction) -> None:
    buttons = [
        bar.widgetForAction(action)
        for bar in window.findChildren(QToolBar)
        if bar.widgetForAction(action) is not None
    ]
    assert buttons, f"{action.text()!r} is on no toolbar"
    button = buttons[0]
    assert button.isVisible() and button.isEnabled(), f"{action.text()!r} cannot be clicked"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


async def click_menu(window: QMainWindow, action: QAction) -> None:
    """Open the menu bar's menu holding the action with a click, then click the item."""
    bar = window.menuBar()
    menus = [
        m.menu()
        for m in bar.actions()
        if isinstance(m.menu(), QMenu) and action in m.menu().actions()
    ]
    assert menus, f"{action.text()!r} is in no menu"
    menu = menus[0]
    assert isinstance(menu, QMenu)
    title = bar.actionGeometry(menu.menuAction())
    # The pointer goes to the title first: a menu ignores a release where the pointer has
    # not moved since it opened (a press-drag-release on the title), as Qt means it to.
    QTest.mouseMove(bar, title.center())
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=title.center())
    await wait_until(menu.isVisible, 10, f"the {menu.title()} menu to open")
    item = menu.actionGeometry(action)
    assert item.isValid() and action.isEnabled(), f"{action.text()!r} cannot be clicked"
    QTest.mouseMove(menu, item.center())
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=QPoint(item.center()))
    await wait_until(lambda: not menu.isVisible(), 10, f"the {menu.title()} menu to close")
