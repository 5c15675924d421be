"""Run every benchmark here (each `*_bench.py`), one after another, and print their lines.

    .venv/bin/python tests/bench/all.py [--only NAME ...]

Each benchmark prints `NAME: satchel X UNIT, reference Y UNIT, ratio R (target T)`, and
comments starting with `#`; this prints both as they come, each script's time, the total,
and at the end the measure lines again, together. The whole must finish within 15 minutes
on the development machine: a script still running when the budget is spent is stopped
and reported as failed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
BUDGET_SECONDS = 15 * 60
MEASURE = re.compile(r"^[^#].*: satchel .+, reference .+, ratio [\d.]+ \(target [<>]= [\d.]+\)$")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM to the script and everything it started (the services stop themselves on
    it), SIGKILL to whatever is still there 20 s later."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _group_alive(process.pid):
        time.sleep(0.2)
        process.poll()  # reaped, or the group never empties
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _run(script: Path, seconds_left: float) -> tuple[list[str], str | None]:
    """The script's measure lines, and why it failed (None when it did not)."""
    # Its own process group: a script stopped at the budget takes what it started with it.
    process = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    measures: list[str] = []

    def echo() -> None:  # streamed: a long script shows its lines as they come
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if MEASURE.match(line.strip()):
                measures.append(line.strip())

    reader = threading.Thread(target=echo, daemon=True)
    reader.start()
    try:
        process.wait(max(1.0, seconds_left))
    except subprocess.TimeoutExpired:
        _stop_group(process)
        return measures, "over the time budget"
    finally:
        reader.join(10)
    if process.returncode:
        return measures, f"exit status {process.returncode}"
    if not measures:
        return measures, "no measure line"
    return measures, None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=[], help="script names, e.g. startup")
    parser.add_argument("--budget-minutes", type=float, default=BUDGET_SECONDS / 60)
    args = parser.parse_args()
    budget = args.budget_minutes * 60
    scripts = sorted(HERE.glob("*_bench.py"))
    if args.only:
        scripts = [s for s in scripts if s.name.removesuffix("_bench.py") in args.only]
    started = time.monotonic()
    measures: list[str] = []
    failed: list[str] = []
    for script in scripts:
        print(f"# {script.name}", flush=True)
        began = time.monotonic()
        lines, failure = _run(script, budget - (began - started))
        measures += lines
        print(f"# {script.name}: {time.monotonic() - began:.0f} s", flush=True)
        if failure:
            failed.append(f"{script.name} ({failure})")
    total = time.monotonic() - started
    print("# all measures:")
    for line in measures:
        print(line)
    print(f"# total: {total:.0f} s of a {budget / 60:g} min budget", flush=True)
    if failed:
        print(f"# failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
