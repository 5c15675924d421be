"""Run every benchmark here (each `*_bench.py`), one after another, and print their lines.

    .venv/bin/python tests/bench/all.py

Each benchmark prints `NAME: satchel X UNIT, reference Y UNIT, ratio R (target T)`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("*_bench.py")):
        print(f"# {script.name}", flush=True)
        done = subprocess.run([sys.executable, str(script)], check=False)
        if done.returncode:
            failed.append(script.name)
    if failed:
        print(f"# failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
