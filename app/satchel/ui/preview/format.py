"""Facts for people: sizes, dates, kinds of file."""

from __future__ import annotations

from datetime import datetime

from satchel.domain import units
from satchel.domain.file_kinds import file_kind


def human_size(size: float | None) -> str:
    return "unknown" if size is None else units.human_size(size)


def human_time(moment: datetime | None) -> str:
    """In this computer's time zone."""
    if moment is None:
        return "unknown"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def kind_name(content_type: str, name: str) -> str:
    """`PNG image`, `PDF document`, or the type as the service said it."""
    return file_kind(name, content_type).type_name
