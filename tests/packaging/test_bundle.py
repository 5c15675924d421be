"""The one-folder bundle: built by packaging/build.py, run from its unpacked archive alone.

Slow (about a minute on two cores): PyInstaller runs once for the whole module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.sandbox import SandboxInfo

ROOT = Path(__file__).resolve().parents[2]
BUILD_LINE = re.compile(r"^bundle: (\d+) MB archive, window after (\d+) ms$", re.MULTILINE)

pytestmark = pytest.mark.slow


def _needs(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing: .ci/run must install it")
        pytest.skip(f"{program} is not installed here")
    return found


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(the unpacked bundle folder, the build's output)."""
    work = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"),
         "--dist", str(work / "dist"), "--work", str(work / "build")],
        capture_output=True, text=True, timeout=900, check=False, cwd=work,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (archive,) = (work / "dist").glob("satchel-*.tar.gz")
    unpacked = work / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    shutil.rmtree(work / "dist")  # the bundle must run from the archive's content alone
    shutil.rmtree(work / "build")
    yield unpacked / "satchel", result.stdout


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    """A person's session: no venv, no PYTHONPATH, no project on any path."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "XDG_RUNTIME_DIR": str(home / "run"),
        "SATCHEL_CONFIG_DIR": str(home / "config"),
        "SATCHEL_DATA_DIR": str(home / "data"),
        "SATCHEL_CACHE_DIR": str(home / "cache"),
        **extra,
    }


def test_build_prints_its_size_and_start_time(build: tuple[Path, str]) -> None:
    folder, output = build
    match = BUILD_LINE.search(output)
    assert match, output
    assert 10 <= int(match.group(1)) <= 200
    assert 0 < int(match.group(2)) < 10_000
    assert (folder / "satchel").is_file()
    assert os.access(folder / "satchel", os.X_OK)


def test_bundle_carries_only_what_the_app_needs(build: tuple[Path, str]) -> None:
    folder, _output = build
    names = {path.name for path in folder.rglob("*")}
    assert "libQt6Widgets.so.6" in names
    assert "libQt6Svg.so.6" in names  # the icons are SVG
    assert (folder / "_internal" / "satchel" / "resources" / "icons" / "satchel.svg").is_file()
    for unwanted in ("libQt6Quick.so.6", "libQt6Qml.so.6", "libQt6WebEngineCore.so.6",
                     "libQt6Multimedia.so.6", "boto3", "botocore", "starlette", "uvicorn",
                     "weed", "pytest", "PIL"):  # fmt: skip
        assert unwanted not in names, unwanted


def test_demo_is_not_offered_and_says_how_to_get_it(
    build: tuple[Path, str], tmp_path: Path
) -> None:
    folder, _output = build
    result = subprocess.run(
        [str(folder / "satchel"), "--demo"],
        env=_clean_env(tmp_path, QT_QPA_PLATFORM="offscreen"),
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "pip install 'satchel[sandbox]'" in result.stderr


def test_bundle_shows_its_window_lists_an_account_and_quits(
    build: tuple[Path, str], tmp_path: Path, sandbox: SandboxInfo, rw_key: str
) -> None:
    folder, _output = build
    xvfb_run = _needs("xvfb-run")
    boards = httpx.get(
        f"{sandbox.api}/boards", headers={"Authorization": f"Bearer {rw_key}"}
    ).json()["data"]
    (tmp_path / "run").mkdir(mode=0o700)
    picture = tmp_path / "window.png"
    env = _clean_env(
        tmp_path,
        SATCHEL_URL=sandbox.base_url,
        SATCHEL_SECRET=rw_key,
        SATCHEL_SELF_CHECK=str(picture),
    )
    result = subprocess.run(
        [xvfb_run, "-a", "-s", "-screen 0 1280x800x24", str(folder / "satchel")],
        env=env, capture_output=True, text=True, timeout=180, check=False, cwd=tmp_path,
    )  # fmt: skip
    names = ", ".join(board["name"] for board in boards)
    listed = f"self-check: account env:{sandbox.base_url.rstrip('/')}: {names}"
    assert listed in result.stdout, result.stdout[-2000:] + result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-3000:]
    assert picture.stat().st_size > 10_000  # a real picture of the window, not an empty one
