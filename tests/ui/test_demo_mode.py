"""`satchel --demo` runs the local service in the background and never leaves it behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.sandbox import child_pids, wait_gone


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in child_pids(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def test_killing_the_app_stops_the_demo_service(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        SATCHEL_CONFIG_DIR=str(tmp_path / "config"),
        SATCHEL_DATA_DIR=str(tmp_path / "data"),
        SATCHEL_CACHE_DIR=str(tmp_path / "cache"),
    )
    app = subprocess.Popen([sys.executable, "-m", "satchel", "--demo"], env=env)
    try:
        deadline = time.monotonic() + 180  # the first start makes the demo data
        service_log = tmp_path / "data" / "sandbox" / "service.log"
        while time.monotonic() < deadline:
            helpers = _descendants(app.pid)
            if len(helpers) >= 2 and service_log.exists() and "Ready at" in service_log.read_text():
                break
            assert app.poll() is None, "the app died"
            time.sleep(0.2)
        helpers = _descendants(app.pid)
        assert len(helpers) >= 2, "the service and its SeaweedFS run beside the app"
        app.send_signal(signal.SIGKILL)
        app.wait(10)
        for pid in helpers:
            assert wait_gone(pid, 30), f"process {pid} outlived the app"
    finally:
        if app.poll() is None:
            app.kill()
