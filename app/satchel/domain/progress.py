"""How long-running work reports progress: a plain callable, no framework."""

from __future__ import annotations

from collections.abc import Callable

#: Called with (bytes done, bytes in all). Cheap: called once per chunk.
ProgressCallback = Callable[[int, int], None]


def no_progress(_done: int, _total: int) -> None:
    """The default progress sink."""
