"""What kind of file a name and a content type make: one table for icon, viewer, type name
and whether the desktop may open it without asking.

The extension decides first (services often say octet-stream, and the desktop opens a
file by its extension), the content type only where the extension says nothing.
"Safe to open" lists kinds whose default apps show documents; anything else (programs,
scripts, installers, shortcuts, macro documents, unknown kinds) asks first.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath


class PreviewKind(StrEnum):
    IMAGE = "image"
    PDF = "pdf"
    MARKDOWN = "markdown"
    JSON = "json"
    CSV = "csv"
    TEXT = "text"
    FACTS = "facts"


@dataclass(frozen=True, slots=True)
class FileKind:
    #: The icon's file name (without .svg) in resources/icons.
    icon: str
    preview: PreviewKind
    #: For people: "PNG image", "PDF document".
    type_name: str
    #: The default app shows it as a document: opened without asking.
    safe_to_open: bool


#: Image formats the pane decodes; others (TIFF, HEIC…) show their facts.
PREVIEW_IMAGE_FORMATS = frozenset({"png", "jpeg", "gif", "webp", "bmp", "svg"})


def _kinds(
    extensions: str, icon: str, preview: PreviewKind, type_name: str, *, safe: bool = True
) -> dict[str, FileKind]:
    return {
        ext: FileKind(icon, preview, type_name.replace("{EXT}", ext.upper()), safe)
        for ext in extensions.split()
    }


_P = PreviewKind
_SCRIPTS = (
    "py pyw pyc js mjs cjs jse vbs vbe wsf wsh sh bash zsh ksh csh fish command tool"
    " bat cmd ps1 psm1 psd1 pl rb php lua tcl awk applescript scpt"
)
#: Text whose default app may run it (a script, a web page): previewed, but asked before opening.
_RUNNABLE_TEXT = f"{_SCRIPTS} hta"
_CODE_TEXT = (
    "pyi ts tsx jsx css scss less yaml yml toml ini cfg conf env c h cc cpp hpp cs java"
    " kt go rs r swift m diff patch sql properties gradle make cmake dockerfile gitignore"
)
_PROSE_TEXT = "txt text rst adoc nfo me"
_PROSE_EXTENSIONS = frozenset(_PROSE_TEXT.split())

_BY_EXTENSION: dict[str, FileKind] = {
    **_kinds("png gif webp bmp", "image", _P.IMAGE, "{EXT} image"),
    **_kinds("jpg jpeg jpe", "image", _P.IMAGE, "JPEG image"),
    **_kinds("svg svgz", "image", _P.IMAGE, "SVG image", safe=False),  # browsers run its scripts
    **_kinds("tif tiff heic heif avif ico psd raw cr2 nef dng", "image", _P.FACTS, "{EXT} image"),
    **_kinds("pdf", "pdf", _P.PDF, "PDF document"),
    **_kinds("md markdown", "text", _P.MARKDOWN, "Markdown"),
    **_kinds("json geojson", "text", _P.JSON, "JSON"),
    **_kinds("csv", "text", _P.CSV, "CSV table"),
    **_kinds("tsv", "text", _P.CSV, "TSV table"),
    **_kinds(_PROSE_TEXT, "text", _P.TEXT, "Plain text"),
    **_kinds(_CODE_TEXT, "text", _P.TEXT, "{EXT} source"),
    **_kinds("log", "text", _P.TEXT, "Log file"),
    **_kinds(_RUNNABLE_TEXT, "text", _P.TEXT, "{EXT} script", safe=False),
    **_kinds("html htm xhtml shtml mhtml", "text", _P.TEXT, "Web page", safe=False),
    **_kinds("xml xsl", "text", _P.TEXT, "XML document", safe=False),
    **_kinds("doc docx dot dotx odt ott rtf pages", "file", _P.FACTS, "Text document"),
    **_kinds("xls xlsx xlt xltx ods ots numbers", "file", _P.FACTS, "Spreadsheet"),
    **_kinds("ppt pptx pot potx odp otp key", "file", _P.FACTS, "Presentation"),
    **_kinds("epub", "file", _P.FACTS, "E-book"),
    **_kinds("zip tar gz tgz bz2 xz 7z rar zst", "archive", _P.FACTS, "{EXT} archive"),
    **_kinds("mp3 wav ogg oga flac m4a aac opus", "file", _P.FACTS, "{EXT} audio"),
    **_kinds("mp4 m4v mov webm mkv avi wmv mpg mpeg", "file", _P.FACTS, "{EXT} video"),
    **_kinds("ttf otf woff woff2", "file", _P.FACTS, "{EXT} font"),
    **_kinds(
        "docm dotm xlsm xltm xlam pptm potm ppam",
        "file",
        _P.FACTS,
        "Document with macros",
        safe=False,
    ),
    **_kinds(
        "exe msi msix appx com scr pif cpl dll sys", "file", _P.FACTS, "Windows program", safe=False
    ),
    **_kinds("app dmg pkg mpkg", "file", _P.FACTS, "macOS program or installer", safe=False),
    **_kinds(
        "desktop appimage run bin deb rpm snap flatpak",
        "file",
        _P.FACTS,
        "Program or package",
        safe=False,
    ),
    **_kinds("jar class", "file", _P.FACTS, "Java program", safe=False),
    **_kinds("lnk url webloc inetloc website library-ms", "link", _P.FACTS, "Shortcut", safe=False),
    **_kinds("reg inf iso img vhd vhdx", "file", _P.FACTS, "{EXT} file", safe=False),
}

_BY_TYPE: dict[str, FileKind] = {
    "image/png": _BY_EXTENSION["png"],
    "image/jpeg": _BY_EXTENSION["jpeg"],
    "image/gif": _BY_EXTENSION["gif"],
    "image/webp": _BY_EXTENSION["webp"],
    "image/bmp": _BY_EXTENSION["bmp"],
    "image/svg+xml": _BY_EXTENSION["svg"],
    "application/pdf": _BY_EXTENSION["pdf"],
    "text/markdown": _BY_EXTENSION["md"],
    "text/x-markdown": _BY_EXTENSION["md"],
    "application/json": _BY_EXTENSION["json"],
    "text/json": _BY_EXTENSION["json"],
    "text/csv": _BY_EXTENSION["csv"],
    "application/csv": _BY_EXTENSION["csv"],
    "text/tab-separated-values": _BY_EXTENSION["tsv"],
    "text/plain": _BY_EXTENSION["txt"],
    "application/zip": _BY_EXTENSION["zip"],
    "application/x-tar": _BY_EXTENSION["tar"],
    "application/gzip": _BY_EXTENSION["gz"],
    "application/x-7z-compressed": _BY_EXTENSION["7z"],
    "application/octet-stream": FileKind("file", _P.FACTS, "Binary file", False),
    "text/uri-list": FileKind("link", _P.FACTS, "Link", False),
}
_TEXT_TYPES = frozenset(
    {
        *("application/xml", "application/javascript", "application/x-javascript"),
        *("application/x-yaml", "application/yaml", "application/toml"),
        *("application/x-sh", "application/sql"),
    }
)


def guess_content_type(name: str) -> str:
    """The content type a file called `name` is sent with (octet-stream when unknown)."""
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def media_type(content_type: str) -> str:
    """`text/plain; charset=utf-8` -> `text/plain`."""
    return content_type.split(";", 1)[0].strip().lower()


def charset(content_type: str) -> str | None:
    """The charset parameter of a content type, if it names one."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


def extension(name: str) -> str:
    """`Report.PDF` -> `pdf`; "" when there is none (`.bashrc` has none either)."""
    return PurePath(name).suffix.lstrip(".").lower()


def file_kind(name: str, content_type: str = "") -> FileKind:
    """Everything Satchel decides by a file's kind, for a file called `name`."""
    ext = extension(name)
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    kind = media_type(content_type)
    # Only a name without an extension lets the content type vouch for safety: the
    # desktop opens by extension, so an unknown one is never "safe".
    safe = not ext
    if kind in _BY_TYPE:
        known = _BY_TYPE[kind]
        return FileKind(known.icon, known.preview, known.type_name, known.safe_to_open and safe)
    type_name = f"{ext.upper()} file" if ext else (kind or "unknown")
    if kind.endswith("+json"):
        return FileKind("text", _P.JSON, type_name if ext else "JSON", False)
    if kind.startswith("image/"):
        subtype = kind.split("/", 1)[1].removeprefix("x-").split("+", 1)[0]
        preview = _P.IMAGE if subtype in PREVIEW_IMAGE_FORMATS else _P.FACTS
        return FileKind("image", preview, f"{subtype.upper()} image", False)
    if kind.startswith("text/") or kind in _TEXT_TYPES or kind.endswith("+xml"):
        return FileKind("text", _P.TEXT, type_name, False)
    return FileKind("file", _P.FACTS, type_name, False)


def is_code(name: str, content_type: str) -> bool:
    """Whether a text file reads best in a monospace font."""
    ext = extension(name)
    if ext in _PROSE_EXTENSIONS:
        return False
    if ext in _BY_EXTENSION and _BY_EXTENSION[ext].icon == "text":
        return True
    return media_type(content_type) not in {"text/plain", ""}
