"""The linters, the type checker and the layer contracts are part of the test run."""

from __future__ import annotations

import ast
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


def _literal_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_text(part) for part in node.values if isinstance(part, ast.expr))
    return ""


#: Paths written with "/" on purpose: POSIX-only branches.
POSIX_ONLY_PATHS = {("app/satchel/sandbox/seaweed.py", "/tmp")}


def test_no_path_is_built_with_slashes_by_hand() -> None:
    """Windows: join path parts with pathlib's `/` operator, never inside one string."""
    offenders = []
    for path in (ROOT / "app" / "satchel").rglob("*.py"):
        where = str(path.relative_to(ROOT).as_posix())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            parts: list[ast.expr] = []
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                parts = [node.left, node.right]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"Path"}:
                parts = list(node.args)
            for part in parts:
                text = _literal_text(part)
                if ("/" in text or "\\" in text) and (where, text) not in POSIX_ONLY_PATHS:
                    offenders.append(f"{where}:{node.lineno}: {text!r}")
    assert offenders == []
