"""Small pieces the viewers share: a note banner, tool buttons, zoom shortcuts."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

#: One wheel notch (or one key press) zooms by this factor.
ZOOM_STEP = 1.25


class NoteLabel(QLabel):
    """A line above a viewer: what it leaves out (a cap, a parse problem). Hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewNote")
        self.setTextFormat(Qt.TextFormat.PlainText)  # notes quote names and service text
        self.setWordWrap(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setContentsMargins(6, 3, 6, 3)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.hide()

    def set_note(self, note: str | None) -> None:
        self.setText(note or "")
        self.setVisible(bool(note))


def tool_button(action: QAction, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setAutoRaise(True)
    return button


def toolbar_over(viewer: QWidget, bar: QLayout | QWidget, content: QWidget) -> None:
    """Lay a viewer out as its tool bar (or note) above its content, edge to edge; the
    content takes the keyboard focus."""
    layout = QVBoxLayout(viewer)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    if isinstance(bar, QLayout):
        layout.addLayout(bar)
    else:
        layout.addWidget(bar)
    layout.addWidget(content, 1)
    viewer.setFocusProxy(content)


def viewer_with_toolbar(
    viewer: QWidget,
    content: QWidget,
    actions: Sequence[QAction],
    left: Sequence[QWidget] = (),
    right: Sequence[QWidget] = (),
) -> None:
    """Lay a zooming viewer out: a bar of tool buttons (then `left`, a gap, `right`)
    above its content."""
    bar = QHBoxLayout()
    bar.setContentsMargins(4, 2, 4, 2)
    for action in actions:
        bar.addWidget(tool_button(action, viewer))
    for widget in left:
        bar.addWidget(widget)
    bar.addStretch(1)
    for widget in right:
        bar.addWidget(widget)
    toolbar_over(viewer, bar, content)


def zoom_out_in_actions(
    viewer: QWidget, zoom_out: Callable[[], None], zoom_in: Callable[[], None]
) -> tuple[QAction, QAction]:
    """ "−" (Ctrl+-) and "+" (Ctrl++, Ctrl+=), the same in every viewer that zooms."""
    return (
        zoom_action(viewer, "−", "Zoom out (Ctrl+-)", zoom_out_keys(), zoom_out),
        zoom_action(viewer, "+", "Zoom in (Ctrl++)", zoom_in_keys(), zoom_in),
    )


def fit_action(viewer: QWidget, text: str, tip: str, slot: Callable[[], None]) -> QAction:
    """Back to fitting the pane, with Ctrl+0."""
    return zoom_action(viewer, text, f"{tip} (Ctrl+0)", zoom_reset_keys(), slot)


def zoom_action(
    parent: QWidget, text: str, tip: str, keys: list[QKeySequence], slot: Callable[[], None]
) -> QAction:
    """An action whose shortcut works while focus is anywhere inside `parent`."""
    action = QAction(text, parent)
    action.setToolTip(tip)
    action.setShortcuts(keys)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    parent.addAction(action)
    return action


def zoom_in_keys() -> list[QKeySequence]:
    # Ctrl+= too: on many layouts "+" needs Shift, and people press Ctrl and the "=" key.
    return [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]


def zoom_out_keys() -> list[QKeySequence]:
    return [QKeySequence(QKeySequence.StandardKey.ZoomOut)]


def zoom_reset_keys() -> list[QKeySequence]:
    return [QKeySequence("Ctrl+0")]


def wheel_zoom_steps(angle_delta_y: int) -> float:
    """Notches of a Ctrl+wheel turn (a touchpad sends fractions of one)."""
    return angle_delta_y / 120.0
