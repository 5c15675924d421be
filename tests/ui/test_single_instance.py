"""One window per user and journal: a second launch hands its files to the first."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from satchel.ui.single_instance import InstanceServer, server_name
from tests.support.sandbox import wait_gone

HAND_OVER = (
    "import sys; from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]); "
    "from satchel.ui.single_instance import hand_over; "
    "print(hand_over(sys.argv[1], sys.argv[2:]))"
)


def _hand_over(name: str, *files: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", HAND_OVER, name, *files], stdout=subprocess.PIPE, text=True
    )


def test_server_name_is_per_data_dir_and_private_to_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    one, other = server_name(tmp_path / "a"), server_name(tmp_path / "b")
    assert one != other
    assert one == server_name(tmp_path / "a" / ".." / "a")
    assert Path(one).parent == tmp_path


def test_a_second_launch_hands_its_files_to_the_first(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    name = server_name(tmp_path / "data")
    server = InstanceServer(name)
    assert server.listen()
    files = [str(tmp_path / "a.pdf"), str(tmp_path / "b c.png")]
    with qtbot.waitSignal(server.files_received, timeout=10_000) as received:
        launch = _hand_over(name, *files)
    assert received.args == [files]
    stdout, _ = launch.communicate(timeout=10)
    assert stdout.strip() == "True"
    with qtbot.waitSignal(server.files_received, timeout=10_000) as raised:
        bare = _hand_over(name)  # a plain double-click again: just come forward
    assert raised.args == [[]]
    assert bare.communicate(timeout=10)[0].strip() == "True"
    server.close()


def test_nobody_listening_means_this_launch_becomes_the_window(tmp_path: Path) -> None:
    launch = _hand_over(str(tmp_path / "nobody.sock"), "x.pdf")
    assert launch.communicate(timeout=10)[0].strip() == "False"


def test_a_stale_socket_left_by_a_crash_is_taken_over(qtbot: QtBot, tmp_path: Path) -> None:
    import socket

    name = str(tmp_path / "stale.sock")
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(name)  # a socket file nobody accepts on, as a killed Satchel leaves it
    dead.close()
    server = InstanceServer(name)
    assert server.listen()
    with qtbot.waitSignal(server.files_received, timeout=10_000):
        launch = _hand_over(name, "y.txt")
    assert launch.communicate(timeout=10)[0].strip() == "True"
    server.close()


@pytest.mark.skipif(sys.platform != "linux", reason="the app's own processes, on Linux")
def test_the_app_hands_over_and_the_command_line_keeps_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(tmp_path),
        "SATCHEL_DEBUG": "1",
        **{f"SATCHEL_{part}_DIR": str(tmp_path / part.lower()) for part in ("CONFIG", "DATA",
                                                                           "CACHE")},
    }  # fmt: skip
    env.pop("SATCHEL_URL", None)
    socket_file = Path(server_name(tmp_path / "data"))
    first = subprocess.Popen(
        [sys.executable, "-m", "satchel"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not socket_file.exists():
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the first window never listened"
            time.sleep(0.1)
        opened = tmp_path / "opened.txt"
        opened.write_text("hello")
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "satchel", str(opened)],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert time.monotonic() - started < 20  # it handed over; it did not open a window
        listed = subprocess.run(
            [sys.executable, "-m", "satchel", "queue", "list"],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout == ""  # the queue is readable beside the window, and empty
        assert first.poll() is None  # still the one window
    finally:
        first.terminate()
        assert wait_gone(first.pid, 20)
    _out, log = first.communicate(timeout=10)
    assert f"another launch handed over 1 file: {opened}" in log
