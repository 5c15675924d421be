"""Reading a text file for a preview: only its first part, decoded as well as can be."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024
#: More text than this is slow to lay out and nobody reads it in a preview.
TEXT_CAP = 1 * MIB
#: How much of a file decides whether it is text at all.
_SNIFF = 8192


class NotText(ValueError):
    """The bytes are binary, not text in any encoding."""


@dataclass(frozen=True, slots=True)
class TextExcerpt:
    text: str
    truncated: bool  # only the first `cap` bytes were read
    encoding: str


def cap_label(cap: int) -> str:
    """`1 MiB`, `512 KiB`: how a note names the cap."""
    if cap >= MIB and cap % MIB == 0:
        return f"{cap // MIB} MiB"
    return f"{cap // 1024} KiB"


def _trim_partial_character(data: bytes) -> bytes:
    """Drop a UTF-8 sequence the cap cut in half (at most three bytes at the end)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:  # the start of a sequence: is it complete?
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data if back >= needed else data[:-back]
    return data


def decode(data: bytes, declared: str | None = None, *, truncated: bool = False) -> TextExcerpt:
    """Text from bytes: a BOM, the declared charset, UTF-8, then Windows-1252."""
    if b"\x00" in data[:_SNIFF] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotText("the file holds binary data, not text")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            if truncated and encoding == "utf-16" and len(data) % 2:
                data = data[:-1]
            return TextExcerpt(data.decode(encoding, errors="replace"), truncated, encoding)
    candidates = [declared] if declared else []
    candidates += ["utf-8"]
    for encoding in candidates:
        try:
            sample = _trim_partial_character(data) if truncated and encoding == "utf-8" else data
            return TextExcerpt(sample.decode(encoding), truncated, encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return TextExcerpt(data.decode("cp1252", errors="replace"), truncated, "cp1252")


def read_text(path: Path, declared: str | None = None, cap: int = TEXT_CAP) -> TextExcerpt:
    """The first `cap` bytes of `path` as text. Raises OSError, NotText."""
    with path.open("rb") as file:
        data = file.read(cap + 1)
    truncated = len(data) > cap
    return decode(data[:cap], declared, truncated=truncated)


def capped_note(excerpt: TextExcerpt, cap: int = TEXT_CAP) -> str | None:
    return f"The file is longer: showing the first {cap_label(cap)}." if excerpt.truncated else None


def pretty_json(excerpt: TextExcerpt, cap: int = TEXT_CAP) -> tuple[str, str | None]:
    """Indented JSON and no note; or the text as it is, with a note saying why."""
    if excerpt.truncated:
        label = cap_label(cap)
        note = f"The file is longer than {label}: showing its first {label} as it is."
        return excerpt.text, note
    try:
        value = json.loads(excerpt.text)
    except json.JSONDecodeError as error:
        return excerpt.text, (
            f"This is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}): "
            "shown as it is."
        )
    except RecursionError:
        return excerpt.text, "This JSON is nested too deeply to lay out: shown as it is."
    try:
        return json.dumps(value, indent=2, ensure_ascii=False), None
    except RecursionError:
        return excerpt.text, "This JSON is nested too deeply to lay out: shown as it is."
