"""Which viewer shows a file: by extension first (services often say octet-stream), then type."""

from __future__ import annotations

from collections.abc import Collection
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


_BY_EXTENSION = {
    "pdf": PreviewKind.PDF,
    "md": PreviewKind.MARKDOWN,
    "markdown": PreviewKind.MARKDOWN,
    "json": PreviewKind.JSON,
    "geojson": PreviewKind.JSON,
    "csv": PreviewKind.CSV,
    "tsv": PreviewKind.CSV,
}

#: Text that reads best in a monospace font; plain prose (.txt) keeps the normal font.
CODE_EXTENSIONS = frozenset(
    {
        *("py", "pyi", "js", "mjs", "ts", "tsx", "jsx", "css", "scss", "html", "htm", "xml"),
        *("svg", "yaml", "yml", "toml", "ini", "cfg", "conf", "env", "sh", "bash", "zsh"),
        *("ps1", "bat", "c", "h", "cc", "cpp", "hpp", "cs", "java", "kt", "go", "rs", "rb"),
        *("php", "pl", "lua", "sql", "r", "swift", "m", "diff", "patch", "log", "json"),
        *("csv", "tsv", "properties", "gradle", "make", "cmake", "dockerfile", "gitignore"),
    }
)
_PROSE_EXTENSIONS = frozenset({"txt", "text", "rst", "adoc", "nfo", "me"})
TEXT_EXTENSIONS = CODE_EXTENSIONS | _PROSE_EXTENSIONS

_BY_TYPE = {
    "application/pdf": PreviewKind.PDF,
    "text/markdown": PreviewKind.MARKDOWN,
    "text/x-markdown": PreviewKind.MARKDOWN,
    "application/json": PreviewKind.JSON,
    "text/json": PreviewKind.JSON,
    "text/csv": PreviewKind.CSV,
    "text/tab-separated-values": PreviewKind.CSV,
    "application/csv": PreviewKind.CSV,
}
_TEXT_TYPES = frozenset(
    {
        "application/xml",
        "application/javascript",
        "application/x-javascript",
        "application/x-yaml",
        "application/yaml",
        "application/toml",
        "application/x-sh",
        "application/sql",
    }
)


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
    return PurePath(name).suffix.lstrip(".").lower()


def preview_kind(content_type: str, name: str, image_formats: Collection[str]) -> PreviewKind:
    """The viewer for a file called `name`; `image_formats` are the extensions Qt can decode."""
    ext = extension(name)
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    if ext in image_formats:
        return PreviewKind.IMAGE
    kind = media_type(content_type)
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    if kind.endswith("+json"):
        return PreviewKind.JSON
    if kind.startswith("image/"):
        subtype = kind.split("/", 1)[1].removeprefix("x-").split("+", 1)[0]
        if subtype in image_formats:
            return PreviewKind.IMAGE
    if ext in TEXT_EXTENSIONS or kind.startswith("text/") or kind in _TEXT_TYPES:
        return PreviewKind.TEXT
    if kind.endswith("+xml"):
        return PreviewKind.TEXT
    return PreviewKind.FACTS


def is_code(name: str, content_type: str) -> bool:
    """Whether a text file reads best in a monospace font."""
    ext = extension(name)
    if ext in _PROSE_EXTENSIONS:
        return False
    return ext in CODE_EXTENSIONS or media_type(content_type) not in {"text/plain", ""}
