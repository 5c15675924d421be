"""Run `satchel` as a script would, with the account from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


def listed(env: dict[str, str]) -> list[dict[str, object]]:
    """`satchel queue list --json`, parsed."""
    result = run_satchel(env, "queue", "list", "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def upload_under_way(
    env: dict[str, str], card: str, file: Path
) -> tuple[subprocess.Popen[str], dict[str, object]]:
    """`satchel upload` started, and its journal entry once its attachment exists."""
    upload = subprocess.Popen(
        satchel_command("upload", card, str(file)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    journal = Path(env["SATCHEL_DATA_DIR"]) / "transfers.db"
    deadline = time.monotonic() + 60
    entries: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        entries = listed(env) if journal.exists() else []
        if entries and entries[0]["attachment_id"]:
            return upload, entries[0]
        time.sleep(0.05)
    upload.kill()
    raise AssertionError(f"the upload never got under way: {entries}")
