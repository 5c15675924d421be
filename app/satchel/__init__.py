"""Satchel: the files attached to boards and cards, on the desktop."""

__version__ = "0.1.0"
