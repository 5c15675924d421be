"""A real X server for tests (Debian's `xvfb`): Qt's xcb platform instead of offscreen."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
from collections.abc import Iterator

import pytest

START_TIMEOUT_SECONDS = 20


def _die_with_parent() -> None:
    """In the child: SIGTERM when the test process dies, however it dies (Linux)."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def require_xvfb() -> str:
    """Xvfb's path; CI installs it (.ci/run), elsewhere the test is skipped without it."""
    path = shutil.which("Xvfb")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is missing: .ci/run must install Debian's xvfb")
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    return path


@contextlib.contextmanager
def xvfb_display() -> Iterator[str]:
    """Start Xvfb on a display number it picks itself; yield ":N"; stop it."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [require_xvfb(), "-displayfd", str(write_end), "-screen", "0", "1280x800x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )  # fmt: skip
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], START_TIMEOUT_SECONDS)
        number = os.read(read_end, 64).decode().strip() if ready else ""
        if not number:
            raise RuntimeError("Xvfb did not say which display it took")
        yield f":{number}"
    finally:
        os.close(read_end)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
