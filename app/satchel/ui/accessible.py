"""Names and descriptions for screen readers, set in one call per control."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def described(widget: W, name: str, description: str) -> W:
    """The control's accessible name (what it is) and description (what it does)."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget
