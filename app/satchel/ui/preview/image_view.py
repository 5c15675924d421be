"""An image, fit to the pane or zoomed, drawn sharp on HiDPI screens.

The scale counts image pixels per *device* pixel: at 100 % every image pixel is one
screen pixel, so nothing is resampled. Shrunk views are smoothed once per zoom level
and cached; enlarged views are drawn straight from the full image, clipped to what is
exposed, so a big zoom costs no memory.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPainter, QPaintEvent, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QWidget,
)

from satchel.domain.file_kinds import PREVIEW_IMAGE_FORMATS
from satchel.ui.accessible import described
from satchel.ui.preview.viewer_controls import (
    ZOOM_STEP,
    tool_button,
    toolbar_over,
    wheel_zoom_steps,
    zoom_action,
    zoom_in_keys,
    zoom_out_keys,
    zoom_reset_keys,
)

#: Decoding more pixels than this takes too long and too much memory for a preview;
#: bigger images are decoded scaled down (JPEG does it cheaply while decoding).
MAX_PIXELS = 50_000_000
_SAME_FORMAT = {"jpg": "jpeg", "svgz": "svg"}
MIN_SCALE = 0.01
MAX_SCALE = 32.0


class ImageDecodeError(ValueError):
    """The file is not an image Qt can read; the message says why, for people."""


def content_format(path: Path) -> str:
    """The image format the file's bytes are in ("png", "jpeg"...; "" when none Qt knows)."""
    found = bytes(QImageReader.imageFormat(str(path)).data()).decode("ascii", "replace").lower()
    return _SAME_FORMAT.get(found, found)


def read_image(path: Path, max_pixels: int = MAX_PIXELS) -> QImage:
    """Decode `path`, scaled down past `max_pixels`, only when its content is in one of the
    formats the pane supports: a TIFF (or anything else) named .png is not decoded."""
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
    return image


class _ImageCanvas(QWidget):
    """Paints the image at the scale its owner sets; sized to the scaled image."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._scale = 1.0
        self._shrunk: QPixmap | None = None  # smoothed copy for scales below 1

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self._shrunk = None
        self.update()

    def pixmap(self) -> QPixmap:
        return self._pixmap

    def set_scale(self, scale: float) -> None:
        if scale != self._scale:
            self._shrunk = None
        self._scale = scale
        self.resize(self.scaled_size())
        self.update()

    def scaled_size(self) -> QSize:
        """The logical size the image takes at the current scale."""
        ratio = self.devicePixelRatioF()
        return QSize(
            max(1, round(self._pixmap.width() * self._scale / ratio)),
            max(1, round(self._pixmap.height() * self._scale / ratio)),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._pixmap.isNull():
            return
        painter = QPainter(self)
        if self._scale < 1:
            ratio = self.devicePixelRatioF()
            if self._shrunk is None or self._shrunk.devicePixelRatio() != ratio:
                self._shrunk = self._pixmap.scaled(
                    max(1, round(self._pixmap.width() * self._scale)),
                    max(1, round(self._pixmap.height() * self._scale)),
                    Qt.AspectRatioMode.IgnoreAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                self._shrunk.setDevicePixelRatio(ratio)
            painter.drawPixmap(0, 0, self._shrunk)
        else:
            # Enlarged: the painter only fills the exposed part of the target.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._scale < 3)
            painter.drawPixmap(QRectF(self.rect()), self._pixmap, QRectF(self._pixmap.rect()))
        painter.end()


class _ImageScrollArea(QScrollArea):
    """Scrolls the canvas; Ctrl+wheel zooms around the pointer instead."""

    wheel_zoomed = Signal(float, QPoint)  # notches, position in the viewport

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.wheel_zoomed.emit(
                wheel_zoom_steps(event.angleDelta().y()), event.position().toPoint()
            )
            event.accept()
            return
        super().wheelEvent(event)


class ImageView(QWidget):
    """Zoom out / in / 100 % / fit, with Ctrl+wheel, Ctrl++, Ctrl+- and Ctrl+0 (fit)."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fit = True
        self._scale = 1.0
        self._canvas = _ImageCanvas()
        self._area = described(
            _ImageScrollArea(self), "Image preview", "The picture; Ctrl+wheel or Ctrl+plus zooms"
        )
        self._area.setObjectName("imageScrollArea")
        self._area.setWidget(self._canvas)
        self._area.setWidgetResizable(False)
        self._area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._area.setFrameShape(QFrame.Shape.NoFrame)
        self._area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._area.wheel_zoomed.connect(self._on_area_wheel_zoomed)
        self._area.viewport().installEventFilter(self)

        self.zoom_out_action = zoom_action(
            self, "−", "Zoom out (Ctrl+-)", zoom_out_keys(), self.zoom_out
        )
        self.zoom_in_action = zoom_action(
            self, "+", "Zoom in (Ctrl++)", zoom_in_keys(), self.zoom_in
        )
        self.actual_size_action = zoom_action(
            self,
            "100 %",
            "Actual pixels: one image pixel per screen pixel",
            [],
            self.zoom_to_actual,
        )
        self.fit_action = zoom_action(
            self, "Fit", "Fit the image to the pane (Ctrl+0)", zoom_reset_keys(), self.zoom_to_fit
        )
        self._zoom_label = QLabel(self)
        self._zoom_label.setMinimumWidth(48)
        self._size_label = QLabel(self)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for action in (
            self.zoom_out_action,
            self.zoom_in_action,
            self.actual_size_action,
            self.fit_action,
        ):
            bar.addWidget(tool_button(action, self))
        bar.addWidget(self._zoom_label)
        bar.addStretch(1)
        bar.addWidget(self._size_label)
        toolbar_over(self, bar, self._area)

    # --- content -------------------------------------------------------------------------

    def load(self, path: Path) -> None:
        """Show the image at `path`, fit to the pane. Raises ImageDecodeError, OSError."""
        image = read_image(path)
        pixmap = QPixmap.fromImage(image)
        if pixmap.isNull():
            raise ImageDecodeError("the image is too large to show")
        self._canvas.set_pixmap(pixmap)
        self._size_label.setText(f"{image.width()} × {image.height()} px")
        self.zoom_to_fit()

    def clear(self) -> None:
        self._canvas.set_pixmap(QPixmap())
        self._size_label.clear()

    def pixmap(self) -> QPixmap:
        return self._canvas.pixmap()

    @property
    def scale(self) -> float:
        """Image pixels per device pixel."""
        return self._scale

    @property
    def fit_mode(self) -> bool:
        return self._fit

    # --- zoom ----------------------------------------------------------------------------

    def zoom_in(self) -> None:
        self._zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_by(1 / ZOOM_STEP)

    def zoom_to_actual(self) -> None:
        self._fit = False
        self._apply_scale(1.0)

    def zoom_to_fit(self) -> None:
        self._fit = True
        self._apply_scale(self._fit_scale())

    def _fit_scale(self) -> float:
        pixmap = self._canvas.pixmap()
        if pixmap.isNull():
            return 1.0
        room = self._area.maximumViewportSize()
        ratio = self.devicePixelRatioF()
        fit = min(
            room.width() * ratio / pixmap.width(),
            room.height() * ratio / pixmap.height(),
        )
        return max(MIN_SCALE, min(1.0, fit))  # fitting never enlarges

    def _zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        if self._canvas.pixmap().isNull():
            return
        self._fit = False
        self._apply_scale(self._scale * factor, anchor)

    def _apply_scale(self, scale: float, anchor: QPoint | None = None) -> None:
        scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        viewport = self._area.viewport()
        if anchor is None:
            anchor = QPoint(viewport.width() // 2, viewport.height() // 2)
        old = self._canvas.size()
        # The image point under the anchor stays under it. The scroll area moves the
        # canvas (to -scroll, or centred when it is smaller than the viewport).
        fx = (anchor.x() - self._canvas.x()) / max(1, old.width())
        fy = (anchor.y() - self._canvas.y()) / max(1, old.height())
        self._scale = scale
        self._canvas.set_scale(scale)
        new = self._canvas.size()
        self._area.horizontalScrollBar().setValue(round(fx * new.width() - anchor.x()))
        self._area.verticalScrollBar().setValue(round(fy * new.height() - anchor.y()))
        self._zoom_label.setText(f"{scale * 100:.0f} %")
        self.zoom_changed.emit(scale)

    def _on_area_wheel_zoomed(self, steps: float, position: QPoint) -> None:
        self._zoom_by(ZOOM_STEP**steps, position)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._area.viewport() and event.type() == QEvent.Type.Resize and self._fit:
            self._apply_scale(self._fit_scale())
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        # Moved to a screen with another pixel ratio: keep the same image-pixel scale.
        if event.type() == QEvent.Type.DevicePixelRatioChange:
            if self._fit:
                self.zoom_to_fit()
            else:
                self._apply_scale(self._scale)
        super().changeEvent(event)
