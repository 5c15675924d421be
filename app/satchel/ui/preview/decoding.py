"""What the worker threads make of a fetched file, ready for a viewer to show.

Each `decode_*` function runs off the UI thread (Qt's QImage and QImageReader may be
used from any thread) and calls `check` between its steps, so a decode whose
selection moved on stops early. What they return holds no widget: the pane hands it
to the viewer on the Qt thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from satchel.domain.file_kinds import PREVIEW_IMAGE_FORMATS
from satchel.models.csv_table import COLUMN_CAP, CsvTable, read_csv
from satchel.ui.preview.background import Check
from satchel.ui.preview.text_source import capped_note, pretty_json, read_text

#: Images with more pixels are decoded scaled down to this many: a 50-megapixel photo
#: would take 200 MB and a second to decode in full, more than a preview is worth
#: (JPEG scales cheaply while decoding). The size label still says the real size.
MAX_PIXELS = 16_000_000
_SAME_FORMAT = {"jpg": "jpeg", "svgz": "svg"}


class ImageDecodeError(ValueError):
    """The file is not an image Qt can read; the message says why, for people."""


@dataclass(frozen=True, slots=True)
class DecodedImage:
    image: QImage  # at most MAX_PIXELS, in a format the painter draws without converting
    full_size: QSize  # the image's own size, before any scaling down
    fitted: QImage | None = None  # smoothed to fit the box asked for; None when it fits


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    note: str | None


@dataclass(frozen=True, slots=True)
class DecodedTable:
    table: CsvTable
    note: str | None


def content_format(path: Path) -> str:
    """The image format the file's bytes are in ("png", "jpeg"...; "" when none Qt knows)."""
    found = bytes(QImageReader.imageFormat(str(path)).data()).decode("ascii", "replace").lower()
    return _SAME_FORMAT.get(found, found)


def read_image(path: Path, max_pixels: int = MAX_PIXELS) -> tuple[QImage, QSize]:
    """Decode `path`, scaled down past `max_pixels`, only when its content is in one of the
    formats the pane supports: a TIFF (or anything else) named .png is not decoded.
    Returns the image and the size the file declares."""
    found = content_format(path)
    if found not in PREVIEW_IMAGE_FORMATS:
        shown = f"a {found.upper()} image" if found else "not an image Satchel can read"
        raise ImageDecodeError(
            f"its content is {shown}; the preview shows PNG, JPEG, GIF, WebP, BMP and SVG"
        )
    reader = QImageReader(str(path), found.encode())
    reader.setDecideFormatFromContent(False)
    reader.setAutoTransform(True)  # honour EXIF orientation
    if not reader.canRead():
        raise ImageDecodeError("the file is damaged or not in an image format Satchel can read")
    size = reader.size()
    if size.isValid() and size.width() * size.height() > max_pixels:
        shrink = math.sqrt(max_pixels / (size.width() * size.height()))
        reader.setScaledSize(QSize(int(size.width() * shrink), int(size.height() * shrink)))
    image = reader.read()
    if image.isNull():
        reason = reader.errorString() or "unknown error"
        raise ImageDecodeError(f"the image could not be decoded ({reason})")
    if not size.isValid():
        size = image.size()
    elif reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90:
        size = size.transposed()  # EXIF turned it: the label says the size as shown
    return image, size


def smoothed(image: QImage, width: int, height: int) -> QImage:
    """`image` shrunk to width × height with Qt's area-averaging filter (slow: a worker's job)."""
    return image.scaled(
        max(1, width),
        max(1, height),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def fit_scale(image: QSize, box: QSize) -> float:
    """Image pixels per device pixel that fit `image` in `box` (device pixels), never above 1."""
    if image.isEmpty() or box.isEmpty():
        return 1.0
    return min(1.0, box.width() / image.width(), box.height() / image.height())


def decode_image(path: Path, box: QSize, check: Check) -> DecodedImage:
    """The image, and a smoothed copy fitting `box` so the pane's first paint is cheap."""
    image, full_size = read_image(path)
    check()
    # Premultiplied ARGB (or RGB32) is what the raster painter draws straight from.
    wanted = (
        QImage.Format.Format_ARGB32_Premultiplied
        if image.hasAlphaChannel()
        else QImage.Format.Format_RGB32
    )
    if image.format() != wanted:
        image = image.convertToFormat(wanted)
    scale = fit_scale(image.size(), box)
    if scale >= 1:
        return DecodedImage(image, full_size)
    check()
    fitted = smoothed(image, round(image.width() * scale), round(image.height() * scale))
    return DecodedImage(image, full_size, fitted)


def decode_text(path: Path, declared: str | None, check: Check) -> DecodedText:
    excerpt = read_text(path, declared)
    check()
    return DecodedText(excerpt.text, capped_note(excerpt))


def decode_json(path: Path, declared: str | None, check: Check) -> DecodedText:
    excerpt = read_text(path, declared)
    check()
    text, note = pretty_json(excerpt)
    return DecodedText(text, note)


def csv_note(table: CsvTable) -> str | None:
    """What a capped table leaves out."""
    left_out = []
    if table.truncated:
        left_out.append(f"the first {len(table.rows):,} rows")
    if table.columns_cut:
        left_out.append(f"the first {COLUMN_CAP:,} columns")
    if not left_out:
        return None
    return f"Showing {' and '.join(left_out)}; open the file to see it all."


def decode_csv(path: Path, tab_separated: bool, check: Check) -> DecodedTable:
    table = read_csv(path, tab_separated=tab_separated, check=check)
    return DecodedTable(table, csv_note(table))
