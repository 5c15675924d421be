"""The one retry loop: what is tried again, how often, what waits, and who is told."""

from __future__ import annotations

import random

import pytest

from satchel.domain.errors import NetworkError, NotFound, RateLimited, SatchelError
from satchel.providers.retries import RetryPolicy, retrying, retrying_rate_limits

pytestmark = pytest.mark.asyncio

QUICK = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.004)


class CountingPacer:
    def __init__(self) -> None:
        self.acquired = 0
        self.held_off: list[float] = []

    async def acquire(self) -> None:
        self.acquired += 1

    def hold_off(self, seconds: float) -> None:
        self.held_off.append(seconds)


class Failing:
    """Raises the given errors in turn, then answers "done"."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


async def test_a_passing_failure_is_tried_again_and_everyone_is_told() -> None:
    operation = Failing(NetworkError("down"), RateLimited("busy", retry_after=0.002))
    pacer = CountingPacer()
    told: list[tuple[str, int, float]] = []

    def on_retry(error: SatchelError, attempt: int, wait: float) -> None:
        told.append((error.message, attempt, wait))

    result = await retrying(
        QUICK,
        "step",
        operation,
        on_retry=on_retry,
        pacers=(pacer,),
        rng=random.Random(1),  # type: ignore[arg-type]
    )
    assert result == "done" and operation.calls == 3
    assert pacer.acquired == 3  # each try waits for the budget
    assert [message for message, _, _ in told] == ["down", "busy"]
    assert [attempt for _, attempt, _ in told] == [1, 2]
    assert 0.0005 <= told[0][2] <= 0.001  # half the first step for sure, half at random
    assert told[1][2] == 0.002  # the service's Retry-After wins
    assert pacer.held_off == [told[0][2], told[1][2]]


async def test_the_last_error_is_raised_once_the_tries_run_out() -> None:
    operation = Failing(*(NetworkError(f"down {n}") for n in range(5)))
    with pytest.raises(NetworkError, match="down 2"):
        await retrying(QUICK, "step", operation)
    assert operation.calls == QUICK.max_attempts


async def test_an_answer_and_anything_unexpected_are_not_tried_again() -> None:
    refused = Failing(NotFound("gone"))
    with pytest.raises(NotFound):
        await retrying(QUICK, "step", refused)
    assert refused.calls == 1
    broken = Failing(KeyError("bug"))
    with pytest.raises(KeyError):
        await retrying(QUICK, "step", broken)
    assert broken.calls == 1


async def test_an_api_call_tries_again_only_when_told_to_slow_down() -> None:
    dropped = Failing(NetworkError("down"))
    with pytest.raises(NetworkError):
        await retrying_rate_limits(QUICK, "call", dropped)
    assert dropped.calls == 1
    slowed = Failing(RateLimited("busy", retry_after=0.001))
    assert await retrying_rate_limits(QUICK, "call", slowed) == "done"
    assert slowed.calls == 2
