"""`satchel desktop install | uninstall`: Satchel in the application menu (Linux)."""

from __future__ import annotations

import argparse
import os
import sys

from satchel.domain.errors import UsageError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    desktop = commands.add_parser(
        "desktop",
        help="add Satchel to the application menu, or take it out (Linux)",
        description="For the current user, under $XDG_DATA_HOME (~/.local/share): the menu "
        "entry with 'Open with Satchel', the icon in every size, and the software-centre "
        "description. Nothing needs root.",
    )
    actions = desktop.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("install", help="add the menu entry, icons and metainfo").set_defaults(
        handler=_install
    )
    actions.add_parser("uninstall", help="remove them again").set_defaults(handler=_uninstall)


def _linux_only() -> None:
    if not sys.platform.startswith("linux"):
        raise UsageError(
            "'satchel desktop' sets up Linux desktops. On macOS, drag Satchel.app to "
            "Applications; on Windows, the installer or satchel-gui.exe adds the shortcuts."
        )


def _install(_args: argparse.Namespace) -> int:
    _linux_only()
    # Drawing the PNG icons needs a Qt GUI application; no window is shown.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from satchel.integration import xdg

    app = QGuiApplication.instance() or QGuiApplication(["satchel"])
    files = xdg.install()
    del app
    where = xdg.data_home()
    print(f"Installed Satchel in the application menu ({len(files)} files under {where}):")
    for path in files[:3]:
        print(f"  {path}")
    print(f"  and PNG icons of 16 to 512 px. It starts: {' '.join(xdg.launcher())}")
    return 0


def _uninstall(_args: argparse.Namespace) -> int:
    _linux_only()
    from satchel.integration import xdg

    removed = xdg.uninstall()
    if not removed:
        print(f"Satchel was not in the application menu (nothing under {xdg.data_home()}).")
    else:
        print(f"Removed Satchel from the application menu ({len(removed)} files).")
    return 0
