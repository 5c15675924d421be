"""The linters, the type checker and the layer contracts are part of the test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "ruff"), "check", "app", "tests"],
        [str(BIN / "ruff"), "format", "--check", "app", "tests"],
        [str(BIN / "mypy")],
        # Windows and macOS: no call that exists only on Linux (os.writev, fcntl, killpg...).
        [str(BIN / "mypy"), "--platform", "win32", "--cache-dir", ".mypy_cache/win32"],
        [str(BIN / "mypy"), "--platform", "darwin", "--cache-dir", ".mypy_cache/darwin"],
        [str(BIN / "lint-imports")],
    ],
    ids=["ruff", "ruff-format", "mypy", "mypy-windows", "mypy-macos", "import-contracts"],
)
def test_tool_is_clean(command: list[str]) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
