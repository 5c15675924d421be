"""Build Satchel's one-folder bundle and its .tar.gz:  python packaging/build.py

Run it with the test environment's Python (`pip install -e '.[test]'` brings PyInstaller).
It draws the icons from resources/icons/satchel.svg, runs PyInstaller on satchel.spec,
packs the folder (macOS: Satchel.app), starts the bundle once to time its window, and ends
with the line `bundle: N MB archive, window after M ms`.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "satchel.spec"
WINDOW_TIMEOUT_SECONDS = 60


def make_icons(folder: Path) -> None:
    """In a child process: a QGuiApplication is needed to draw, and this one stays Qt-free."""
    code = (
        "import sys; from PySide6.QtGui import QGuiApplication; app = QGuiApplication([]); "
        "from pathlib import Path; from satchel.integration.icons import write_bundle_icons; "
        "write_bundle_icons(Path(sys.argv[1]))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, env=env)


def run_pyinstaller(dist: Path, work: Path, icons: Path, version: str) -> None:
    env = {**os.environ, "SATCHEL_ICON_DIR": str(icons), "SATCHEL_VERSION": version}
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work),
               str(SPEC)]  # fmt: skip
    subprocess.run(command, check=True, env=env, cwd=ROOT)


def bundle_root(dist: Path) -> Path:
    """What the archive holds: Satchel.app on macOS, the satchel folder elsewhere."""
    app = dist / "Satchel.app"
    return app if sys.platform == "darwin" and app.is_dir() else dist / "satchel"


def executable(dist: Path) -> Path:
    if sys.platform == "darwin" and (dist / "Satchel.app").is_dir():
        return dist / "Satchel.app" / "Contents" / "MacOS" / "satchel"
    return dist / "satchel" / ("satchel.exe" if sys.platform == "win32" else "satchel")


def pack(dist: Path, version: str) -> Path:
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    archive = dist / f"satchel-{version}-{system}-{platform.machine().lower()}.tar.gz"
    root = bundle_root(dist)
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(root, arcname=root.name)
    return archive


def window_ms(program: Path, runs: int = 3) -> float:
    """Median time from process start to the window on screen (the app writes "shown" to a
    file: a windowed Windows bundle has no stdout), with throwaway settings so no one's
    accounts or journal are touched."""
    times = []
    with tempfile.TemporaryDirectory(prefix="satchel-bundle-") as home:
        said = Path(home, "shown.txt")
        env = {key: value for key, value in os.environ.items() if not key.startswith("SATCHEL_")}
        env.update(
            SATCHEL_EXIT_WHEN_SHOWN=str(said),
            SATCHEL_CONFIG_DIR=str(Path(home, "config")),
            SATCHEL_DATA_DIR=str(Path(home, "data")),
            SATCHEL_CACHE_DIR=str(Path(home, "cache")),
        )
        if sys.platform == "linux" and not env.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        for _ in range(runs + 1):  # the first run fills the disk cache: not counted
            said.unlink(missing_ok=True)
            started = time.time()
            result = subprocess.run(
                [str(program)], env=env, capture_output=True, text=True,
                timeout=WINDOW_TIMEOUT_SECONDS, check=False,
            )  # fmt: skip
            if not said.is_file():
                raise SystemExit(f"The bundle did not show its window:\n{result.stderr[-3000:]}")
            shown_at = float(said.read_text(encoding="utf-8").split()[1])
            times.append((shown_at - started) * 1000)
    return statistics.median(times[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle goes")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work")
    args = parser.parse_args()
    from satchel import __version__

    started = time.perf_counter()
    icons = args.work / "icons"
    make_icons(icons)
    run_pyinstaller(args.dist, args.work, icons, __version__)
    archive = pack(args.dist, __version__)
    size_mb = archive.stat().st_size / 1_000_000
    print(f"built {archive} in {time.perf_counter() - started:.0f} s", flush=True)
    ms = window_ms(executable(args.dist))
    print(f"bundle: {size_mb:.0f} MB archive, window after {ms:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
