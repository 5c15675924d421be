"""Names that other people chose, made safe to show, to save and to print.

One place decides this for the window, the command line and the transfer queue:
- `plain_name` is what every label, row and message shows: no bidirectional
  overrides or other invisible characters (`a\\u202Efdp.exe` must not read as
  `aexe.pdf`), line breaks and other control characters as spaces.
- `safe_file_name` is what goes on disk: a single component that is valid on
  Windows, macOS and Linux alike (no `<>:"/\\|?*`, no reserved device names such as
  CON or COM1, no trailing dots or spaces) and never hidden (no leading dot).
- `same_name_key` folds case and Unicode normalisation: "Café.pdf", "CAFE\\u0301.PDF"
  and "café.pdf" name one file on Windows and macOS.
- `terminal_text` escapes what a terminal would act on (escape sequences, bidi).
"""

from __future__ import annotations

import re
import unicodedata

#: Most file systems take 255 bytes per name; leave room for " (99)" and a partial suffix.
NAME_BYTES = 200
#: Joiners shape scripts and emoji; they hide nothing, so they stay.
_KEPT_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})
#: Characters that show as blank (or not at all) but are not the ASCII space.
_AS_SPACE_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Zs"})
_DROPPED_CATEGORIES = frozenset({"Cf", "Cs", "Co", "Cn"})
_NOT_ON_WINDOWS = re.compile(r'[<>:"/\\|?*]')
_RESERVED_STEMS = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"}
    | {f"{device}{n}" for device in ("com", "lpt") for n in (*"123456789", "¹", "²", "³")}
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_DOUBLE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst")


def plain_name(name: str) -> str:
    """`name` as it may be shown: invisible characters removed, breaks as spaces."""
    if name.isprintable():  # the common case, and fast: nothing hidden in it
        return name
    kept: list[str] = []
    for character in name:
        category = unicodedata.category(character)
        if character in _KEPT_FORMAT_CHARACTERS or character == " ":
            kept.append(character)
        elif category in _DROPPED_CATEGORIES:
            continue
        elif category in _AS_SPACE_CATEGORIES:
            kept.append(" ")
        else:
            kept.append(character)
    return "".join(kept)


def safe_file_name(name: str, fallback: str = "attachment") -> str:
    """The service's name as one path component that every platform accepts.

    As close to the original as it can be: letters of any script and inner spaces
    stay; separators and characters Windows refuses become "_"; a leading dot gets
    a "_" before it (never a hidden file such as `.bashrc`); a reserved device name
    gets a "_" after its stem (`CON.txt` -> `CON_.txt`). An empty result, "." or ".."
    becomes `fallback`. Long names are shortened to NAME_BYTES, extension kept.
    """
    cleaned = _NOT_ON_WINDOWS.sub("_", plain_name(name))
    cleaned = cleaned.strip().rstrip(". ")
    if not cleaned.strip("."):
        cleaned = fallback
    if cleaned.startswith("."):
        cleaned = "_" + cleaned
    stem, dot, rest = cleaned.partition(".")
    if stem.rstrip(" ").lower() in _RESERVED_STEMS:
        cleaned = f"{stem.rstrip(' ')}_{dot}{rest}"
    return _shorten(cleaned)


def same_name_key(name: str) -> str:
    """What two names share when a case-insensitive, normalising file system sees one file."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def terminal_text(name: str) -> str:
    """`name` for a terminal: control and invisible characters as visible escapes."""
    if name.isprintable():
        return name
    out: list[str] = []
    for character in name:
        if character == " " or character.isprintable():
            out.append(character)
        elif character in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[character])
        else:
            code = ord(character)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def terminal_lines(text: str) -> str:
    """A message for a terminal: its own line breaks kept, everything else as in terminal_text."""
    return "\n".join(terminal_text(line) for line in text.split("\n"))


def split_extension(name: str) -> tuple[str, str]:
    """("report", ".pdf"); ("a", ".tar.gz"); (".bashrc", "") for a name that is all extension."""
    lowered = name.lower()
    for suffix in _DOUBLE_SUFFIXES:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], name[-len(suffix) :]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, "." + extension


def _shorten(name: str, limit: int = NAME_BYTES) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, suffix = split_extension(name)
    if len(suffix) > 16:
        stem, suffix = name, ""
    budget = max(limit - len(suffix.encode("utf-8")), 16)
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(". ")
    return stem + suffix


def shortened(name: str, limit: int) -> str:
    """`name` cut to `limit` UTF-8 bytes, its extension kept."""
    return _shorten(name, limit)
