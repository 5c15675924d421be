"""Productive's request budgets: per token and per organization, sliding windows.

Over a budget: 429 with Productive's body and `X-RateLimit-Reset` (seconds until a
request is allowed again); no Retry-After, as the real service.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass

from satchel.sandbox.productive.jsonapi import JsonApiError


@dataclass(frozen=True, slots=True)
class Budget:
    limit: int
    window: float

    @classmethod
    def parse(cls, text: str) -> Budget:
        """ "100/10" -> 100 requests per 10 seconds."""
        count, _, seconds = text.partition("/")
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"{text!r} is not COUNT/SECONDS")
        try:
            window = float(seconds)
        except ValueError:
            raise ValueError(f"{text!r} is not COUNT/SECONDS") from None
        if window <= 0:
            raise ValueError(f"{text!r} needs a positive number of seconds")
        return cls(int(count), window)


TOKEN_BUDGET = Budget(100, 10.0)
ORGANIZATION_BUDGET = Budget(4000, 1800.0)


class RateLimits:
    def __init__(self, per_token: Budget, per_organization: Budget) -> None:
        self._budgets = {"token": per_token, "organization": per_organization}
        self._spent: dict[tuple[str, str], deque[float]] = {}

    def spend(self, token_hash: str, organization: str) -> None:
        """Count one request, or raise the 429 of the first budget it would exceed."""
        now = time.monotonic()
        keys = [("token", token_hash), ("organization", organization)]
        for key in keys:
            budget = self._budgets[key[0]]
            spent = self._spent.setdefault(key, deque())
            while spent and spent[0] <= now - budget.window:
                spent.popleft()
            if len(spent) >= budget.limit:
                reset = max(1, math.ceil(spent[0] + budget.window - now))
                raise JsonApiError(
                    429,
                    "Too many requests",
                    "Rate limit reached. Try again later",
                    headers={"X-RateLimit-Reset": str(reset)},
                    extra={"limit": budget.limit, "period": budget.window},
                )
        for key in keys:
            self._spent[key].append(now)
