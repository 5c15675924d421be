"""Sizes and durations in words for people: one way everywhere Satchel shows them."""

from __future__ import annotations


def human_size(size: float) -> str:
    """1000-based, like file managers: 1 byte, 85 bytes, 20.2 KB, 24.0 MB."""
    if abs(size) < 1000:
        count = int(size)
        return f"{count} byte{'s' * (count != 1)}"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        if abs(value) < 1000:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} TB"


def human_duration(seconds: float) -> str:
    """45 s, 3 min 07 s, 2 h 05 min."""
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def binary_size(size: float) -> str:
    """1024-based, for limits a service states in powers of two: 5.0 GiB."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
