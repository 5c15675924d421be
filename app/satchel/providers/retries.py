"""The one backoff policy of Satchel: every provider's requests and every queue step.

Exponential backoff with "equal jitter" (half the step for sure, half at random, so
clients told off together do not come back together), up to a cap; the service's
Retry-After (or Productive's X-RateLimit-Reset), when it gives one, is what we wait.
The loop is a plain one (tenacity's, two of them nested around every request of an
upload, cost about 5 % of the event loop's time for small files). Pacing (how many
requests may start per window) is `pacing.Pacer`; a 429 holds the account's pacers
off for the wait, so every caller sharing the budget waits, not only the one told.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from satchel.domain.errors import RateLimited, SatchelError, ServiceUnavailable
from satchel.providers.pacing import Pacer

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    #: Tries in all (the first included) before the last error is raised.
    max_attempts: int = 8
    base_delay: float = 0.25
    max_delay: float = 30.0
    #: The longest wait a service's Retry-After may ask of us.
    retry_after_cap: float = 60.0

    def delay(self, attempt: int, error: SatchelError, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed try number `attempt` (1-based)."""
        retry_after = error.retry_after if isinstance(error, ServiceUnavailable) else None
        if retry_after is not None:  # the service's word wins, within reason
            return max(0.0, min(retry_after, self.retry_after_cap))
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        # Jitter, not security: a plain PRNG is right.
        return ceiling / 2 + (rng or _RNG).uniform(0, ceiling / 2)


_RNG = random.Random()  # noqa: S311

#: Browsing and API calls: a 429 is retried a few times, then said to the person.
API_RETRY = RetryPolicy(max_attempts=5, base_delay=1.0, max_delay=16.0)
#: Each step of a transfer in the queue: anything that may pass is tried again.
TRANSFER_RETRY = RetryPolicy()

#: Called before each wait: (the error, the try that failed, seconds to wait).
RetryHook = Callable[[SatchelError, int, float], None]


def _no_hook(_error: SatchelError, _attempt: int, _wait: float) -> None:
    pass


def _is_rate_limited(error: SatchelError) -> bool:
    return isinstance(error, RateLimited)


async def retrying(
    policy: RetryPolicy,
    what: str,
    operation: Callable[[], Awaitable[T]],
    *,
    retry_if: Callable[[SatchelError], bool] = lambda error: error.retryable,
    on_retry: RetryHook = _no_hook,
    pacers: tuple[Pacer, ...] = (),
    rng: random.Random | None = None,
) -> T:
    """`operation()` until it succeeds, fails for good, or runs out of tries. Each try
    first waits for the pacers; each wait holds them off, so the budget waits too."""
    attempt = 1
    while True:
        for pacer in pacers:
            await pacer.acquire()
        try:
            return await operation()
        except SatchelError as error:
            if not retry_if(error) or attempt >= policy.max_attempts:
                raise
            seconds = policy.delay(attempt, error, rng)
            kind = type(error).__name__
            log.info("%s failed (%s, try %d); again in %.1f s", what, kind, attempt, seconds)
            for pacer in pacers:
                pacer.hold_off(seconds)
            on_retry(error, attempt, seconds)
        await asyncio.sleep(seconds)
        attempt += 1


async def retrying_rate_limits(
    policy: RetryPolicy,
    what: str,
    operation: Callable[[], Awaitable[T]],
    *,
    pacers: tuple[Pacer, ...] = (),
) -> T:
    """An API call: only "too many requests" is tried again (anything else is an answer)."""
    return await retrying(policy, what, operation, retry_if=_is_rate_limited, pacers=pacers)


class Retrier:
    """A policy and its random source, for code that retries many steps (the queue)."""

    def __init__(self, policy: RetryPolicy, rng: random.Random | None = None) -> None:
        self.policy = policy
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security

    async def run(
        self,
        what: str,
        operation: Callable[[], Awaitable[T]],
        *,
        on_retry: RetryHook = _no_hook,
        retry_if: Callable[[SatchelError], bool] | None = None,
    ) -> T:
        return await retrying(
            self.policy,
            what,
            operation,
            retry_if=retry_if or (lambda error: error.retryable),
            on_retry=on_retry,
            rng=self._rng,
        )
