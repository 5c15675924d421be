"""Trying a step again: exponential backoff with jitter, up to a cap, for what may pass.

429, 5xx and dropped connections are worth another try (`SatchelError.retryable`); a
4xx that says "no" is not. The service's Retry-After, when it gives one, is honoured.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from satchel.domain.errors import SatchelError, ServiceUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    #: Tries of one step before the item fails with the last error.
    max_attempts: int = 8
    base_delay: float = 0.25
    max_delay: float = 30.0

    def delay(self, attempt: int, error: SatchelError, rng: random.Random) -> float:
        """Seconds to wait after failed try number `attempt` (1-based).

        "Equal jitter": half the exponential step for sure, half at random, so many
        items failing together do not come back together.
        """
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        wait = ceiling / 2 + rng.uniform(0, ceiling / 2)
        retry_after = error.retry_after if isinstance(error, ServiceUnavailable) else None
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


#: Called before each wait: (the error, the try that failed, seconds to wait).
RetryHook = Callable[[SatchelError, int, float], None]


def _no_hook(_error: SatchelError, _attempt: int, _wait: float) -> None:
    pass


class Retrier:
    def __init__(self, policy: RetryPolicy, rng: random.Random | None = None) -> None:
        self.policy = policy
        # Jitter, not security: a plain PRNG is right.
        self._rng = rng or random.Random()  # noqa: S311

    async def run(
        self,
        what: str,
        operation: Callable[[], Awaitable[T]],
        *,
        on_retry: RetryHook = _no_hook,
        retry_if: Callable[[SatchelError], bool] | None = None,
    ) -> T:
        """`operation()` until it succeeds, fails for good, or runs out of tries."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await operation()
            except SatchelError as error:
                retryable = error.retryable if retry_if is None else retry_if(error)
                if not retryable or attempt >= self.policy.max_attempts:
                    raise
                wait = self.policy.delay(attempt, error, self._rng)
                log.info(
                    "%s failed (%s, try %d); again in %.1f s",
                    what,
                    type(error).__name__,
                    attempt,
                    wait,
                )
                on_retry(error, attempt, wait)
                await asyncio.sleep(wait)
