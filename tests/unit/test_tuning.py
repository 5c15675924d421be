"""The allocator tuning applies on glibc and is a no-op everywhere else."""

from __future__ import annotations

import platform
import sys

import pytest

from satchel import tuning


@pytest.mark.parametrize("system", ["win32", "darwin"])
def test_a_no_op_off_linux(system: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_libc(*_args: object) -> None:
        raise AssertionError("no C library is loaded off Linux")

    monkeypatch.setattr(tuning.sys, "platform", system)
    monkeypatch.setattr(tuning.ctypes, "CDLL", no_libc)
    assert tuning.tune_allocator() is False


def test_a_no_op_without_mallopt(monkeypatch: pytest.MonkeyPatch) -> None:
    """A C library without mallopt (musl): nothing applied, nothing raised."""

    class NoMallopt:
        def __init__(self, _name: str) -> None:
            pass

    monkeypatch.setattr(tuning.ctypes, "CDLL", NoMallopt)
    assert tuning.tune_allocator() is False


@pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_applies_on_glibc() -> None:
    assert tuning.tune_allocator() is True
