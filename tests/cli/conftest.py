from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@dataclass
class Result:
    code: int
    out: str
    err: str


Runner = Callable[..., Result]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: own config dir, a file keyring the test can read."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    env.update(
        SATCHEL_CONFIG_DIR=str(tmp_path / "config"),
        SATCHEL_DATA_DIR=str(tmp_path / "data"),
        SATCHEL_CACHE_DIR=str(tmp_path / "cache"),
        SATCHEL_TEST_KEYRING_FILE=str(tmp_path / "keyring.json"),
        PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
        PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]),
    )
    return env


@pytest.fixture
def satchel(cli_env: dict[str, str], tmp_path: Path) -> Runner:
    """Run `python -m satchel ARGS` as a user would, and return what it said."""

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> Result:
        completed = subprocess.run(
            [sys.executable, "-m", "satchel", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**cli_env, **(env or {})},
            cwd=tmp_path,
            timeout=300,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    return run
