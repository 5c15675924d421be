"""Facts for people: sizes, dates, kinds of file."""

from __future__ import annotations

from datetime import datetime

from satchel.domain import units
from satchel.ui.preview.kinds import extension, media_type

_KIND_NAMES = {
    "application/pdf": "PDF document",
    "application/zip": "ZIP archive",
    "application/json": "JSON",
    "application/octet-stream": "Binary file",
    "text/plain": "Plain text",
    "text/markdown": "Markdown",
    "text/csv": "CSV table",
    "text/uri-list": "Link",
}


def human_size(size: float | None) -> str:
    return "unknown" if size is None else units.human_size(size)


def human_time(moment: datetime | None) -> str:
    """In this computer's time zone."""
    if moment is None:
        return "unknown"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def kind_name(content_type: str, name: str) -> str:
    """`PNG image`, `PDF document`, or the type as the service said it."""
    kind = media_type(content_type)
    if kind in _KIND_NAMES:
        return _KIND_NAMES[kind]
    if kind.startswith("image/"):
        return f"{kind.split('/', 1)[1].removeprefix('x-').split('+')[0].upper()} image"
    ext = extension(name)
    if not kind and ext:
        return f"{ext.upper()} file"
    return kind or "unknown"
