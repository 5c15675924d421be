"""Scaled PNG previews of image attachments, as Trello makes for its `previews[]`.

Made with Pillow when an image is uploaded through the Trello dialect, or the first
time the dialect lists an image that has none yet (the demo's, or a bearer upload).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

log = logging.getLogger(__name__)

#: Bounding boxes of the previews, small to large (Trello makes a similar ladder).
PREVIEW_BOXES = ((150, 150), (600, 600))
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
#: Bigger images get no preview: a sandbox need not spend seconds on one.
MAX_SOURCE_BYTES = 40 * 1024 * 1024
_MAX_PIXELS = 50_000_000


@dataclass(frozen=True, slots=True)
class MadePreview:
    width: int
    height: int
    png: bytes
    scaled: bool


def wants_previews(content_type: str, size: int | None) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind in IMAGE_TYPES and size is not None and 0 < size <= MAX_SOURCE_BYTES


def make_previews(source: BinaryIO) -> list[MadePreview]:
    """PNG previews of the image in `source`; none when it is not a readable image."""
    try:
        with Image.open(source) as opened:
            if opened.width * opened.height > _MAX_PIXELS:
                return []
            opened.load()
            image = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        log.info("No preview for an unreadable image: %s", error)
        return []
    made: list[MadePreview] = []
    for box in PREVIEW_BOXES:
        scaled = image.width > box[0] or image.height > box[1]
        copy = image.copy()
        copy.thumbnail(box)
        buffer = io.BytesIO()
        copy.save(buffer, format="PNG", optimize=False)
        made.append(MadePreview(copy.width, copy.height, buffer.getvalue(), scaled))
        if not scaled:
            break  # the image fits this box: bigger boxes would only repeat it
    return made
