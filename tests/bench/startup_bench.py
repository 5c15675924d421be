"""Process start to main window shown, offscreen, median of several runs.

    .venv/bin/python tests/bench/startup_bench.py [--runs 7]

Reference: a bare PySide6 + qasync window started the same way, in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_WINDOW = """
import asyncio, qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
loop = qasync.QEventLoop(app)
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), window.close()))
closed = asyncio.Event()
app.lastWindowClosed.connect(closed.set)
with loop:
    loop.run_until_complete(closed.wait())
"""


def _time_to_shown(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "shown":
            elapsed = time.perf_counter() - started
            break
    else:
        sys.exit(f"{command} never showed its window")
    process.wait(30)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            SATCHEL_EXIT_WHEN_SHOWN="1",
            SATCHEL_CONFIG_DIR=str(Path(home) / "config"),
            SATCHEL_DATA_DIR=str(Path(home) / "data"),
            SATCHEL_CACHE_DIR=str(Path(home) / "cache"),
        )
        ours, reference = [], []
        for _ in range(args.runs):  # alternating, so both see the same machine
            reference.append(_time_to_shown([sys.executable, "-c", BARE_WINDOW], env))
            ours.append(_time_to_shown([sys.executable, "-m", "satchel"], env))
    mine, ref = statistics.median(ours), statistics.median(reference)
    print(
        f"start to window shown: satchel {mine * 1000:.0f} ms, reference {ref * 1000:.0f} ms, "
        f"ratio {mine / ref:.2f} (target satchel <= 500 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
