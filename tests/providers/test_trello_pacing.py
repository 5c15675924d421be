"""The pacer's sliding window and the 429 backoff, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from satchel.domain.errors import NetworkError, RateLimited
from satchel.providers.pacing import WINDOW_MARGIN_SECONDS, Pacer, pacer_for
from satchel.providers.retries import RetryPolicy


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def starts(pacer: Pacer, time: FakeTime, count: int) -> list[float]:
    async def run() -> list[float]:
        when = []
        for _ in range(count):
            await pacer.acquire()
            when.append(time.now)
        return when

    return asyncio.run(run())


def test_no_more_than_the_limit_in_any_window() -> None:
    time = FakeTime()
    pacer = Pacer(3, 10.0, clock=time.clock, sleep=time.sleep)
    when = starts(pacer, time, 7)
    assert when == [1000.0, 1000.0, 1000.0, 1010.0, 1010.0, 1010.0, 1020.0]
    for index in range(len(when) - 3):
        assert when[index + 3] - when[index] >= 10.0


def test_a_quiet_spell_frees_the_budget() -> None:
    time = FakeTime()
    pacer = Pacer(2, 10.0, clock=time.clock, sleep=time.sleep)
    starts(pacer, time, 2)
    time.now += 30
    assert starts(pacer, time, 2) == [1030.0, 1030.0]
    assert time.slept == []


def test_concurrent_callers_share_one_budget() -> None:
    time = FakeTime()
    pacer = Pacer(2, 1.0, clock=time.clock, sleep=asyncio.sleep)

    delays = [pacer._reserve() for _ in range(5)]  # five callers arrive at once
    assert delays == [0.0, 0.0, 1.0, 1.0, 2.0]


def test_hold_off_stops_everyone_for_a_while() -> None:
    time = FakeTime()
    pacer = Pacer(100, 10.0, clock=time.clock, sleep=time.sleep)
    starts(pacer, time, 1)
    pacer.hold_off(4.0)
    assert starts(pacer, time, 1) == [1004.0]


def test_one_pacer_per_credential_and_no_credential_kept() -> None:
    first = pacer_for("ATTA-secret-one", 100, 10.0)
    assert pacer_for("ATTA-secret-one", 100, 10.0) is first
    assert pacer_for("ATTA-secret-two", 100, 10.0) is not first
    assert first.window == 10.0 + WINDOW_MARGIN_SECONDS
    assert "secret" not in repr(first)


def test_backoff_grows_with_jitter_and_honours_the_service() -> None:
    backoff = RetryPolicy(max_attempts=5, base_delay=1.0, max_delay=8.0)
    down = NetworkError("down")
    for attempt, ceiling in enumerate([1.0, 2.0, 4.0, 8.0, 8.0], start=1):
        assert ceiling / 2 <= backoff.delay(attempt, down) <= ceiling
    assert backoff.delay(1, RateLimited("slow", retry_after=3.0)) == 3.0
    assert backoff.delay(1, RateLimited("slow", retry_after=3600.0)) == 60.0


def test_a_pacer_needs_a_budget() -> None:
    with pytest.raises(ValueError, match="positive"):
        Pacer(0, 10.0)


def test_a_wait_listener_that_is_a_method_goes_with_its_object() -> None:
    import gc

    from satchel.providers.pacing import announce_wait, listen_for_waits

    class Bar:
        def __init__(self) -> None:
            self.heard: list[str] = []

        def on_wait(self, text: str, _seconds: float) -> None:
            self.heard.append(text)

    bar = Bar()
    stop = listen_for_waits(bar.on_wait)
    announce_wait("waiting", 1.0)
    assert bar.heard == ["waiting"]
    heard = bar.heard
    del bar
    gc.collect()
    announce_wait("again", 1.0)  # nobody holds the listener: nothing to call, nothing fails
    assert heard == ["waiting"]
    stop()
