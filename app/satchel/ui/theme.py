"""The palette follows the system's light or dark scheme (`QStyleHints.colorScheme`).

macOS and Windows styles follow it themselves; Fusion (Linux, and every platform without a
native style) keeps one palette unless told, so Satchel sets a light or dark one whenever
the system switches. Every widget repaints on the palette change, the tree and preview too.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#2b2b2e",
    QPalette.ColorRole.WindowText: "#e8e8ea",
    QPalette.ColorRole.Base: "#1f1f22",
    QPalette.ColorRole.AlternateBase: "#28282c",
    QPalette.ColorRole.ToolTipBase: "#3a3a3f",
    QPalette.ColorRole.ToolTipText: "#f0f0f2",
    QPalette.ColorRole.PlaceholderText: "#8d8d93",
    QPalette.ColorRole.Text: "#e8e8ea",
    QPalette.ColorRole.Button: "#35353a",
    QPalette.ColorRole.ButtonText: "#e8e8ea",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#4a4a50",
    QPalette.ColorRole.Midlight: "#3f3f45",
    QPalette.ColorRole.Mid: "#2f2f34",
    QPalette.ColorRole.Dark: "#18181b",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7fb2ff",
    QPalette.ColorRole.LinkVisited: "#c19bff",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in _DARK.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a80"))
    return palette


class ColorSchemeFollower(QObject):
    """Sets the palette now and whenever the system's scheme changes (Fusion only)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(self.apply)
        self.apply(hints.colorScheme())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        if self.app.style().name().lower() != "fusion":
            return  # a native style follows the system by itself
        dark = scheme == Qt.ColorScheme.Dark
        self.app.setPalette(dark_palette() if dark else self.app.style().standardPalette())
