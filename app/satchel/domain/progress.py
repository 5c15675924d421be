"""How long-running work reports progress: a plain callable, no framework."""

from __future__ import annotations

from collections.abc import Callable

#: Called with (bytes done, bytes in all). Cheap: called once per chunk.
ProgressCallback = Callable[[int, int], None]


def no_progress(_done: int, _total: int) -> None:
    """The default progress sink."""


#: Told (items so far, about how many in all, or None when that cannot be told yet).
CountProgress = Callable[[int, int | None], None]


def no_count(_done: int, _about: int | None) -> None:
    """The default count sink."""
