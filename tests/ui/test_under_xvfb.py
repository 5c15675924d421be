"""The window's keys on a real X server, as each desktop binds the platform's keys.

Offscreen, Qt has no Quit key at all; on X11 under GNOME, Refresh is Ctrl+R as well as F5
and Delete has Ctrl+D. The literal keys of the README must work everywhere, and no key
may be held by two commands. Xvfb is started here; the tests run in a child pytest on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.xvfb import xvfb_display

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_SECONDS = 400


def _pytest_on_x(display: str, desktop: str, *selection: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_CURRENT_DESKTOP": desktop,
        # No session bus here: the GNOME theme's "DBus not running" notes are not failures.
        "QT_LOGGING_RULES": "qt.qpa.theme*=false",
    }
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )  # fmt: skip


CLASH_TEST = (
    "tests/ui/test_main_window.py::"
    "test_no_two_commands_share_a_key_and_nothing_selected_turns_file_commands_off"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("desktop", "selection"),
    [
        # GNOME binds the most platform keys (Refresh Ctrl+R, Delete Ctrl+D): every key pressed.
        ("GNOME", (CLASH_TEST, "tests/ui/test_commands.py", "-k", "key or readme")),
        ("KDE", (CLASH_TEST,)),
    ],
    ids=["GNOME", "KDE"],
)
def test_the_keys_of_the_readme_work_on_a_real_x_server(
    desktop: str, selection: tuple[str, ...]
) -> None:
    with xvfb_display() as display:
        done = _pytest_on_x(display, desktop, *selection)
    tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
    assert done.returncode == 0, tail
    assert " passed" in tail and "skipped" not in tail.split("passed")[-1], tail
