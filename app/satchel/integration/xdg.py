"""`satchel desktop install` / `uninstall` on Linux: the menu entry, icons and metainfo of
the current user, under the XDG data dir ($XDG_DATA_HOME, by default ~/.local/share)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from satchel.integration import icons
from satchel.integration.entry import APP_ID, desktop_entry, metainfo
from satchel.local_files import temporary_beside


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local" / "share"


def launcher() -> list[str]:
    """The command that starts this very Satchel: the bundle's executable, the `satchel`
    script of this environment, or this Python with `-m satchel`."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    script = Path(sys.executable).parent / "satchel"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "satchel"]


@dataclass(frozen=True)
class Layout:
    """Where each file goes under one data dir."""

    root: Path

    @property
    def entry(self) -> Path:
        return self.root / "applications" / f"{APP_ID}.desktop"

    @property
    def metainfo(self) -> Path:
        return self.root / "metainfo" / f"{APP_ID}.metainfo.xml"

    @property
    def scalable_icon(self) -> Path:
        return self.root / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"

    def png_icon(self, size: int) -> Path:
        return self.root / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"

    def files(self) -> list[Path]:
        pngs = [self.png_icon(size) for size in icons.HICOLOR_SIZES]
        return [self.entry, self.metainfo, self.scalable_icon, *pngs]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temporary_beside(path)
    temp.write_bytes(data)
    temp.replace(path)  # a menu never reads half a file


def _refresh_caches(layout: Layout) -> None:
    """Tell the desktop; both tools are optional (the menu picks changes up anyway)."""
    for command in (
        ["update-desktop-database", "-q", str(layout.entry.parent)],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(layout.root / "icons" / "hicolor")],
    ):
        if shutil.which(command[0]):
            subprocess.run(command, check=False, capture_output=True, timeout=60)


def install(root: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write every file (replacing an older install) and return them. Needs a
    QGuiApplication for the PNGs."""
    layout = Layout(root or data_home())
    _write(layout.entry, desktop_entry(command or launcher()).encode())
    _write(layout.metainfo, metainfo().encode())
    _write(layout.scalable_icon, icons.app_svg().read_bytes())
    for size, png in icons.render_pngs(icons.HICOLOR_SIZES).items():
        _write(layout.png_icon(size), png)
    _refresh_caches(layout)
    return layout.files()


def uninstall(root: Path | None = None) -> list[Path]:
    """Remove what `install` wrote; returns what was there."""
    layout = Layout(root or data_home())
    removed = []
    for path in layout.files():
        if path.exists():
            path.unlink()
            removed.append(path)
    _refresh_caches(layout)
    return removed
