"""What Ctrl+V can attach: the clipboard's files, or its image saved as a PNG.

A screenshot tool or a browser's "Copy image" puts pixels on the clipboard, not a file:
those are written once to a folder of their own (`paths.pasted_dir()`), named as people
expect (`Pasted image 2026-12-02 14.05.09.png`), and the queue uploads that file (it stays
until then, so a paste survives a restart like any queued upload; then
`transfers.leftovers` removes it).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QImage


def pasted_image_name(moment: datetime) -> str:
    return f"Pasted image {moment:%Y-%m-%d %H.%M.%S}.png"


def files_to_attach(
    mime: QMimeData, pasted_dir: Path, moment: datetime | None = None
) -> list[Path]:
    """Local files named on the clipboard (copied in a file manager), else its image
    written as a PNG; empty when it holds neither."""
    files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    if files:
        return [path for path in files if path.exists()]
    if not mime.hasImage():
        return []
    image = mime.imageData()
    if not isinstance(image, QImage):
        image = QImage(image)
    if image.isNull():
        return []
    folder = pasted_dir / uuid.uuid4().hex  # one folder each: the name stays exact
    folder.mkdir(parents=True, mode=0o700)  # the user's only, whatever its parents are
    path = folder / pasted_image_name(moment or datetime.now())
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
        raise OSError(f"Could not write the pasted image to {path}.")
    return [path]
