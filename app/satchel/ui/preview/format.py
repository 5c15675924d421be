"""Facts for people: sizes, dates, kinds of file."""

from __future__ import annotations

from datetime import datetime

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
    """1000-based, like file managers: 24.0 MB."""
    if size is None:
        return "unknown"
    for unit in ("bytes", "KB", "MB", "GB"):
        if abs(size) < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"  # pragma: no cover - the loop returns


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
