"""`satchel FILE…`: files, not a command, open the window's card picker; said clearly when
that cannot happen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _satchel(*args: str, cwd: Path, display: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY",
                                                            "QT_QPA_PLATFORM"}}  # fmt: skip
    if display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    for part in ("CONFIG", "DATA", "CACHE"):
        env[f"SATCHEL_{part}_DIR"] = str(cwd / part.lower())
    return subprocess.run(
        [sys.executable, "-m", "satchel", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_missing_file_is_named_with_the_local_file_exit_code(tmp_path: Path) -> None:
    result = _satchel("./gone.pdf", cwd=tmp_path, display=True)
    assert result.returncode == 10
    assert "no such file: ./gone.pdf" in result.stderr


def test_files_without_a_display_point_to_satchel_upload(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    result = _satchel("a.txt", cwd=tmp_path, display=False)
    assert result.returncode == 2
    assert "satchel upload CARD FILE" in result.stderr


def test_a_file_named_like_a_command_is_still_the_command(tmp_path: Path) -> None:
    (tmp_path / "ls").write_text("not a command")
    result = _satchel("ls", cwd=tmp_path, display=True)  # a window would not come back
    assert result.returncode == 5
    assert "No account is set up" in result.stderr
