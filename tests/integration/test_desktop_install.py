"""`satchel desktop install | uninstall`: real files, checked by the desktop's own validators."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from satchel import __version__
from satchel.integration.entry import APP_ID, HOMEPAGE, SCREENSHOTS, desktop_entry, metainfo

HICOLOR = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def _needs(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing: .ci/run must install it")
        pytest.skip(f"{program} is not installed here")
    return found


def _satchel(*args: str, data_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "satchel", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_install_writes_valid_entry_icons_and_metainfo_then_uninstall_removes_them(
    tmp_path: Path,
) -> None:
    installed = _satchel("desktop", "install", data_home=tmp_path)
    assert installed.returncode == 0, installed.stderr
    entry = tmp_path / "applications" / f"{APP_ID}.desktop"
    metainfo = tmp_path / "metainfo" / f"{APP_ID}.metainfo.xml"
    validated = subprocess.run(
        [_needs("desktop-file-validate"), str(entry)], capture_output=True, text=True, check=False
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "error" not in validated.stdout
    checked = subprocess.run(
        [_needs("appstreamcli"), "validate", "--no-net", str(metainfo)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr

    text = entry.read_text()
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(" %F")  # "Open with Satchel" hands over every chosen file
    assert "MimeType=" in text and "application/pdf;" in text
    assert f"Icon={APP_ID}" in text
    xml = metainfo.read_text()
    assert "<caption>" in xml and "<release version=" in xml

    svg = tmp_path / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg"
    assert svg.read_bytes().startswith(b"<svg")
    for size in HICOLOR:
        png = tmp_path / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert _png_size(png) == (size, size)

    removed = _satchel("desktop", "uninstall", data_home=tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert "Removed" in removed.stdout
    assert not entry.exists() and not metainfo.exists() and not svg.exists()
    assert not list(tmp_path.rglob(f"{APP_ID}*"))
    again = _satchel("desktop", "uninstall", data_home=tmp_path)
    assert "was not in the application menu" in again.stdout


def test_exec_line_quotes_a_launcher_path_with_spaces() -> None:
    entry = desktop_entry(["/opt/My Apps/satchel", "-m", "x$y"])
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line == 'Exec="/opt/My Apps/satchel" -m "x\\\\$y" %F'


def test_the_metainfo_screenshots_are_the_ones_the_screenshot_script_makes() -> None:
    """Each named picture is one tests/screenshots.py writes, at the release's assets under
    the one HOMEPAGE (packaging/README.md: made there, published there, never committed)."""
    script = (Path(__file__).parents[1] / "screenshots.py").read_text()
    xml = metainfo()
    for name, _caption in SCREENSHOTS:
        assert f'shot("{name}")' in script, name
        assert f"<image>{HOMEPAGE}/releases/download/v{__version__}/{name}</image>" in xml
    assert f'<url type="homepage">{HOMEPAGE}</url>' in xml
    assert "HOMEPAGE" not in xml and "/raw/" not in xml
    readme = (Path(__file__).parents[2] / "packaging" / "README.md").read_text()
    assert "tests/screenshots.py" in readme and "releases/download" in readme
