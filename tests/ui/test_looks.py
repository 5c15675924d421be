"""Screen readers, the system's dark scheme, and icons at 200 %."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAccessible, QIcon, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QScrollBar,
    QToolBar,
    QToolButton,
    QWidget,
)

from satchel.paths import resources_dir
from satchel.ui.about_dialog import AboutDialog
from satchel.ui.account_dialog import AccountDialog
from satchel.ui.card_picker import CardPickerDialog
from satchel.ui.theme import ColorSchemeFollower
from tests.support.qt import wait_until
from tests.ui.window_fixtures import WindowRig

BOARD, LIST, CARD = "Website Relaunch", "Backlog", "Homepage hero"


def _controls(root: QWidget) -> list[QWidget]:
    """What a person operates; not Qt's own parts of them (scroll bars, headers, the
    clear button inside a line edit, overflow buttons)."""
    found = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QScrollBar | QHeaderView) or widget.objectName().startswith("qt_"):
            continue
        if isinstance(widget.parent(), QLineEdit) or _in_combo_box_popup(widget):
            continue
        if isinstance(widget, QAbstractButton | QLineEdit | QComboBox | QAbstractScrollArea):
            found.append(widget)
    return found


def _in_combo_box_popup(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    return parent is not None and isinstance(parent.parentWidget(), QComboBox)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in _controls(root):
        face = QAccessible.queryAccessibleInterface(widget)
        name = face.text(QAccessible.Text.Name)
        description = face.text(QAccessible.Text.Description)
        if not name or not description:
            missing.append(f"{type(widget).__name__} {name!r} in {type(widget.parent()).__name__}")
    return missing


@pytest.mark.asyncio
async def test_every_control_has_an_accessible_name_and_description(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    window = queue_rig.window
    await queue_rig.expand(BOARD, LIST, CARD)
    queue_rig.select(queue_rig.find(BOARD, LIST, CARD, "Homepage hero.png"))
    await wait_until(lambda: window.attachments.previewing is not None, what="a preview")
    controls = _controls(window)
    assert len(controls) > 20  # the walk sees the tree, toolbar, filter, preview, transfers
    assert _unnamed(window) == []
    file = tmp_path / "a.txt"
    file.write_text("a")
    picker = CardPickerDialog(window.workspace, [file], window)
    assert _unnamed(picker) == []
    picker.deleteLater()
    dialog = AccountDialog(window.workspace, window.runner, window)  # every kind's form
    assert len(_controls(dialog)) > 12
    assert _unnamed(dialog) == []
    dialog.deleteLater()
    about = AboutDialog(window.app_icon, window)
    assert _unnamed(about) == []
    about.deleteLater()


@pytest.mark.asyncio
async def test_switching_the_system_scheme_repaints_tree_and_preview(
    rig: WindowRig, qapp: QApplication
) -> None:
    await rig.expand(BOARD, LIST, CARD)
    rig.select(rig.find(BOARD, LIST, CARD, "Homepage hero.png"))
    follower = ColorSchemeFollower(qapp)
    hints = qapp.styleHints()

    def lightness(widget: QWidget) -> int:
        picture = widget.grab().toImage()
        # A corner of the background, away from rows and pictures.
        return picture.pixelColor(picture.width() - 3, picture.height() - 3).lightness()

    try:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # as the system does on a switch
        tree = rig.window.tree
        await wait_until(lambda: tree.palette().color(QPalette.ColorRole.Base).lightness() < 60)
        assert lightness(rig.window.tree.viewport()) < 60
        assert lightness(rig.window.pane) < 80
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        await wait_until(lambda: tree.palette().color(QPalette.ColorRole.Base).lightness() > 200)
        assert lightness(rig.window.tree.viewport()) > 200
        assert lightness(rig.window.pane) > 180
    finally:
        follower.apply(Qt.ColorScheme.Light)
        follower.deleteLater()


def _crisp(icon: QIcon, logical: QSize) -> bool:
    """Drawn for 200 % from a source at least that big (or scalable), never blown up."""
    pixmap = icon.pixmap(logical, 2.0)
    sizes = icon.availableSizes()
    big_enough = not sizes or max(s.width() for s in sizes) >= 2 * logical.width()
    return big_enough and pixmap.width() == 2 * logical.width() and pixmap.devicePixelRatio() == 2


def test_toolbar_and_tree_icons_stay_crisp_at_200_percent(rig: WindowRig) -> None:
    toolbar = rig.window.findChild(QToolBar)
    assert toolbar is not None
    blurry = [
        button.defaultAction().text()
        for button in toolbar.findChildren(QToolButton)
        if button.defaultAction() and not button.defaultAction().icon().isNull()
        and not _crisp(button.defaultAction().icon(), toolbar.iconSize())
    ]  # fmt: skip
    assert blurry == []
    for svg in (resources_dir() / "icons").glob("*.svg"):
        assert _crisp(QIcon(str(svg)), QSize(16, 16)), svg.name
