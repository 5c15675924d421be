"""Which faults the local service injects, how often, and the seeded dice that decide.

`--faults 503=0.05,429=0.05,reset=0.02,slow=0.02,expired-policy=0.05`: each KIND=RATE
is the fraction of requests that get that fault. One draw per request picks at most
one fault, so the rates add up (to at most 1). `--faults-seed N` makes a run repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum


class Fault(StrEnum):
    UNAVAILABLE = "503"  # 503 with Retry-After, the request not handled
    RATE_LIMITED = "429"  # 429 without Retry-After (as Trello does)
    RESET = "reset"  # the connection dropped in the middle of a body
    SLOW = "slow"  # the answer delayed by seconds
    EXPIRED_POLICY = "expired-policy"  # step 1 hands out an upload policy already expired
    DOWNLOAD_200 = "download-200"  # Trello's download route answers the bytes, not a 302
    HEAD_405 = "head-405"  # Trello's download route refuses HEAD


#: Ways a dialect behaves rather than failures: drawn on their own, not counted in the sum.
MODES = frozenset({Fault.DOWNLOAD_200, Fault.HEAD_405})


#: Faults that make sense for a request to storage (through the forwarder).
STORAGE_FAULTS = frozenset({Fault.UNAVAILABLE, Fault.RATE_LIMITED, Fault.RESET, Fault.SLOW})
#: Faults for the service's API; EXPIRED_POLICY only where a policy is handed out.
API_FAULTS = frozenset({Fault.UNAVAILABLE, Fault.RATE_LIMITED, Fault.RESET, Fault.SLOW})


@dataclass
class FaultPlan:
    rates: dict[Fault, float]
    seed: int | None = None
    #: How long a "slow" answer waits, in seconds (uniform in this range).
    slow_seconds: tuple[float, float] = (1.0, 3.0)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Fault injection for tests, not security: a seedable PRNG is the point.
        self._rng = random.Random(self.seed)  # noqa: S311

    @property
    def active(self) -> bool:
        return any(rate > 0 for rate in self.rates.values())

    def draw(self, allowed: Collection[Fault]) -> Fault | None:
        """At most one fault for this request, among `allowed`."""
        roll = self._rng.random()
        edge = 0.0
        for fault, rate in self.rates.items():
            if fault not in allowed:
                continue
            edge += rate
            if roll < edge:
                return fault
        return None

    def hit(self, mode: Fault) -> bool:
        """Whether this request behaves in `mode` (a draw of its own)."""
        rate = self.rates.get(mode, 0.0)
        return rate > 0 and self._rng.random() < rate

    def slow_delay(self) -> float:
        return self._rng.uniform(*self.slow_seconds)

    def coin(self) -> bool:
        return self._rng.random() < 0.5

    def fraction(self) -> float:
        """Where in a body a reset strikes: somewhere in its middle half."""
        return self._rng.uniform(0.25, 0.75)


def parse_faults(text: str, seed: int | None = None) -> FaultPlan:
    """`503=0.05,reset=0.02` -> a plan; ValueError with a clear message when malformed."""
    rates: dict[Fault, float] = {}
    known = ", ".join(f.value for f in Fault)
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"{part!r}: write KIND=RATE, e.g. 503=0.05")
        try:
            fault = Fault(kind.strip())
        except ValueError:
            raise ValueError(f"unknown fault {kind.strip()!r}; known: {known}") from None
        try:
            rate = float(value)
        except ValueError:
            raise ValueError(f"{part!r}: the rate must be a number from 0 to 1") from None
        if not 0 <= rate <= 1:
            raise ValueError(f"{part!r}: the rate must be a number from 0 to 1")
        rates[fault] = rate
    if sum(rate for fault, rate in rates.items() if fault not in MODES) > 1:
        raise ValueError("the fault rates add up to more than 1")
    return FaultPlan(rates, seed)
