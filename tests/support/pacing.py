"""A real pacer that also notes what the code under test asked of it."""

from __future__ import annotations

from satchel.providers.pacing import Pacer


class RecordingPacer(Pacer):
    """A pacer far above any service's budget (so what stops a request is the service's
    429), noting every request it let start and every hold-off a 429 caused."""

    def __init__(self) -> None:
        super().__init__(1000, 1.0)
        self.held: list[float] = []
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1
        await super().acquire()

    def hold_off(self, seconds: float) -> None:
        self.held.append(seconds)
        super().hold_off(seconds)
