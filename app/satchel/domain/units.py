"""Sizes and durations in words for people: one way everywhere Satchel shows them."""

from __future__ import annotations

import re


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


def human_limit(size: int) -> str:
    """A limit as people state it: 250 MB, 10 MB (whole megabytes without decimals)."""
    whole, rest = divmod(size, 1000 * 1000)
    return f"{whole} MB" if whole and not rest else human_size(size)


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


_SIZE_UNITS = {"": 1, "b": 1, "byte": 1, "bytes": 1, "k": 1000, "kb": 1000,
               "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3,
               "kib": 1024, "mib": 1024**2, "gib": 1024**3}  # fmt: skip
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")


def parse_size(text: str) -> int:
    """Bytes from "250MB", "10 MB", "1.5 GB", "64MiB" or a plain count; ValueError if not."""
    match = _SIZE.fullmatch(text.strip().lower().replace(",", ""))
    if match is None or match[2] not in _SIZE_UNITS:
        raise ValueError(f"{text!r} is not a size (write it like 250MB or 10 MB)")
    value = int(float(match[1]) * _SIZE_UNITS[match[2]])
    if value <= 0:
        raise ValueError(f"{text!r} is not a size above zero")
    return value
