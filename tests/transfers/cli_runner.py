"""Run `satchel` as a script would, with the account from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.sandbox import SandboxInfo


def cli_env(service: SandboxInfo, key: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    env.update(
        SATCHEL_URL=service.base_url,
        SATCHEL_SECRET=key,
        SATCHEL_DATA_DIR=str(data_dir),
        SATCHEL_CONFIG_DIR=str(data_dir / "config"),
    )
    return env


def satchel_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "satchel", *args]


def run_satchel(
    env: dict[str, str], *args: str, prefix: tuple[str, ...] = (), timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, *satchel_command(*args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
