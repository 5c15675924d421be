"""Child processes stop on request, politely first, on POSIX for real and on Windows faked.

The Windows branch runs here with `WINDOWS` forced on: its Ctrl-Break is sent as
SIGINT (what Go's runtime, and so weed.exe, turns Ctrl-Break into), and with no job
object on Linux its last resort is TerminateProcess's counterpart, `Popen.kill`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from satchel import child_process

# Prints its pid, then its grandchild's, then waits; says "stopped" if asked politely.
PARENT_OF_A_GRANDCHILD = textwrap.dedent(
    """
    import os, signal, subprocess, sys, time
    def polite(*_):
        print("stopped", flush=True)
        sys.exit(0)
    if sys.argv[1] == "polite":
        signal.signal(signal.SIGINT, polite)
        signal.signal(signal.SIGTERM, polite)
    else:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    grandchild = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], stdout=subprocess.DEVNULL
    )
    print(grandchild.pid, flush=True)
    time.sleep(120)
    """
)


def _start(manners: str, **options: object) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-c", PARENT_OF_A_GRANDCHILD, manners],
        stdout=subprocess.PIPE,
        text=True,
        **options,  # type: ignore[call-overload]
    )
    child_process.adopt(process)
    assert process.stdout is not None
    grandchild = int(process.stdout.readline())
    return process, grandchild


def _gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if status == "Z":  # ended; only its parent has not collected it
            return True
        time.sleep(0.05)
    return False


def _end(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def faked_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child_process, "WINDOWS", True)
    monkeypatch.setattr(child_process, "CTRL_BREAK_EVENT", signal.SIGINT)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_posix_polite_stop_reaches_the_child(tmp_path: Path) -> None:
    process, grandchild = _start("polite", **child_process.popen_options())
    assert child_process.stop(process, grace=10) == 0
    assert process.stdout is not None and process.stdout.read() == "stopped\n"
    assert _gone(grandchild)  # the whole group was asked


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_posix_stop_forces_a_child_that_ignores_it_and_its_children() -> None:
    process, grandchild = _start("stubborn", **child_process.popen_options())
    started = time.monotonic()
    assert child_process.stop(process, grace=1) == -signal.SIGKILL
    assert time.monotonic() - started < 8
    assert _gone(grandchild)


def test_windows_options_give_a_process_group_and_no_posix_session(
    faked_windows: None,
) -> None:
    options = child_process.popen_options()
    assert options == {"creationflags": child_process.CREATE_NEW_PROCESS_GROUP}


@pytest.mark.skipif(sys.platform == "win32", reason="fakes Windows on POSIX")
def test_windows_stop_sends_ctrl_break_first(faked_windows: None) -> None:
    process, grandchild = _start("polite")
    try:
        assert child_process.stop(process, grace=10) == 0
        assert process.stdout is not None and process.stdout.read() == "stopped\n"
    finally:
        _end(grandchild)


@pytest.mark.skipif(sys.platform == "win32", reason="fakes Windows on POSIX")
def test_windows_stop_ends_a_child_that_ignores_ctrl_break(faked_windows: None) -> None:
    process, grandchild = _start("stubborn")
    try:
        assert child_process.stop(process, grace=1) == -signal.SIGKILL
    finally:
        _end(grandchild)


@pytest.mark.skipif(sys.platform == "win32", reason="fakes Windows on POSIX")
def test_windows_without_a_console_stops_by_force_at_once(
    faked_windows: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A windowed app has no console to send Ctrl-Break through: no waiting for nothing."""
    monkeypatch.setattr(child_process, "_has_console", lambda: False)
    assert child_process.popen_options()["creationflags"] & child_process.CREATE_NO_WINDOW
    process, grandchild = _start("polite")
    started = time.monotonic()
    try:
        assert child_process.stop(process, grace=30) == -signal.SIGKILL
        assert time.monotonic() - started < 10
    finally:
        _end(grandchild)


@pytest.mark.skipif(ctypes.sizeof(ctypes.c_void_p) != 8, reason="64-bit layout")
def test_job_limits_have_windows_64_bit_layout() -> None:
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION is 144 bytes on 64-bit Windows."""
    assert ctypes.sizeof(child_process.JobLimits) == 144
    assert child_process.JobLimits.basic.offset == 0
    assert child_process.JobLimits.io.offset == 64


# The middle process starts a watching child, prints its pid, and waits to be killed.
MIDDLE = textwrap.dedent(
    """
    import subprocess, sys, time
    watcher = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]])
    print(watcher.pid, flush=True)
    time.sleep(120)
    """
)
WATCHER = textwrap.dedent(
    """
    import signal, sys, time
    from pathlib import Path
    from satchel.child_process import exit_with_parent
    def stopped(*_):
        Path(sys.argv[1]).write_text("stopped")
        sys.exit(0)
    signal.signal(signal.SIGTERM, stopped)
    exit_with_parent(interval=0.05)
    time.sleep(120)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX parents")
def test_a_watching_child_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    """macOS has no PDEATHSIG: the sandbox watches for its parent's end instead."""
    said = tmp_path / "said"
    middle = subprocess.Popen(
        [sys.executable, "-c", MIDDLE, WATCHER, str(said)], stdout=subprocess.PIPE, text=True
    )
    assert middle.stdout is not None
    watcher = int(middle.stdout.readline())
    try:
        time.sleep(0.3)
        assert not said.exists()  # it waits while its parent lives
        middle.kill()
        middle.wait(10)
        deadline = time.monotonic() + 10
        while not said.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert said.read_text() == "stopped"
    finally:
        _end(watcher)
