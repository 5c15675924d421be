"""Every stop signal ends asyncio code as Ctrl-C does: cancelled, cleaned up, interrupted."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from satchel.stop_signals import run_until_stopped, stop_signals

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="sends POSIX signals")


async def _signalled_while_working(sent: signal.Signals, cleaned: list[str]) -> str:
    try:
        os.kill(os.getpid(), sent)
        await asyncio.sleep(30)
        return "never interrupted"
    finally:
        os.kill(os.getpid(), sent)  # a second one must not cut the clean-up short
        await asyncio.sleep(0.05)
        cleaned.append("cleaned")


def test_the_stop_signals_of_posix() -> None:
    assert stop_signals() == [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=str)
def test_a_stop_signal_cancels_cleans_up_and_interrupts(sent: signal.Signals) -> None:
    before = {sig: signal.getsignal(sig) for sig in stop_signals()}
    cleaned: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        run_until_stopped(_signalled_while_working(sent, cleaned))
    assert cleaned == ["cleaned"]
    assert {sig: signal.getsignal(sig) for sig in stop_signals()} == before


def test_windows_sigbreak_takes_the_same_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-Break and a closed console arrive as SIGBREAK; SIGUSR1 stands in for it here."""
    monkeypatch.setattr(signal, "SIGBREAK", signal.SIGUSR1, raising=False)
    assert signal.SIGUSR1 in stop_signals()
    cleaned: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        run_until_stopped(_signalled_while_working(signal.SIGUSR1, cleaned))
    assert cleaned == ["cleaned"]


def test_without_a_signal_results_and_cancellations_pass_through() -> None:
    async def answer() -> int:
        return 42

    async def cancelled_by_itself() -> None:
        raise asyncio.CancelledError

    assert run_until_stopped(answer()) == 42
    with pytest.raises(asyncio.CancelledError):
        run_until_stopped(cancelled_by_itself())
