"""Resources are found from a normal (non-editable) wheel install too."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_carries_resources_and_finds_them(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("satchel-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert "satchel/resources/icons/satchel.svg" in names
    assert "satchel/__main__.py" in names

    # Run from the unpacked wheel only, away from the checkout.
    found = subprocess.run(
        [sys.executable, "-c", "from satchel import paths; print(paths.resources_dir())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
        check=True,
    ).stdout.strip()
    assert Path(found) == tmp_path / "site" / "satchel" / "resources"
    assert (Path(found) / "icons" / "satchel.svg").is_file()
