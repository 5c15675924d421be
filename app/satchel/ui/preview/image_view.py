"""An image, fit to the pane or zoomed, drawn sharp on HiDPI screens.

The scale counts image pixels per *device* pixel: at 100 % every image pixel is one
screen pixel, so nothing is resampled. The image comes decoded from a worker (see
decoding.py), with a smoothed copy at the fit scale. Other shrunk scales are drawn at
once with a cheap filter while a worker smooths a copy, which replaces it when ready;
enlarged views are drawn straight from the image, clipped to what is exposed, so a
big zoom costs no memory and no zoom stalls the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QWidget

from satchel.ui.accessible import described
from satchel.ui.preview.background import Background, Ticket
from satchel.ui.preview.decoding import DecodedImage, fit_scale, smoothed
from satchel.ui.preview.viewer_controls import (
    ZOOM_STEP,
    fit_action,
    viewer_with_toolbar,
    wheel_zoom_steps,
    zoom_action,
    zoom_out_in_actions,
)

MIN_SCALE = 0.01
MAX_SCALE = 32.0


class _ImageCanvas(QWidget):
    """Paints the image at the scale its owner sets; sized to the scaled image."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self._scale = 1.0
        self._smooth = QImage()  # the image smoothed to the size it takes below scale 1
        self._background = Background(self)
        self._smoothing: tuple[QSize, Ticket] | None = None

    def set_image(self, image: QImage, smooth: QImage | None = None) -> None:
        self._cancel_smoothing()
        self._image = image
        self._smooth = smooth if smooth is not None else QImage()
        self.update()

    def image(self) -> QImage:
        return self._image

    def set_scale(self, scale: float) -> None:
        self._scale = scale
        self.resize(self.scaled_size())
        self.update()

    def device_size(self) -> QSize:
        """The size in device pixels the image is drawn at."""
        return QSize(
            max(1, round(self._image.width() * self._scale)),
            max(1, round(self._image.height() * self._scale)),
        )

    def scaled_size(self) -> QSize:
        """The logical size the image takes at the current scale."""
        ratio = self.devicePixelRatioF()
        return QSize(
            max(1, round(self._image.width() * self._scale / ratio)),
            max(1, round(self._image.height() * self._scale / ratio)),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._image.isNull():
            return
        painter = QPainter(self)
        target = QRectF(self.rect())
        if self._scale < 1:
            wanted = self.device_size()
            if self._smooth.size() == wanted:
                self._smooth.setDevicePixelRatio(self.devicePixelRatioF())
                painter.drawImage(0, 0, self._smooth)
            else:  # bilinear for now (a few ms), smoothed by a worker for the next paint
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(target, self._image, QRectF(self._image.rect()))
                self._smooth_later(wanted)
        else:
            # Enlarged: the painter only fills the exposed part of the target.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._scale < 3)
            painter.drawImage(target, self._image, QRectF(self._image.rect()))
        painter.end()

    def _smooth_later(self, size: QSize) -> None:
        if self._smoothing is not None and self._smoothing[0] == size:
            return
        self._cancel_smoothing()
        image = self._image
        ticket = self._background.run(
            lambda check: smoothed(image, size.width(), size.height()),
            on_done=self._on_smoothed,
            on_error=lambda _error: None,  # the quick drawing stays: good enough
            low_priority=True,
        )
        self._smoothing = (size, ticket)

    def _on_smoothed(self, smooth: QImage) -> None:
        self._smoothing = None
        self._smooth = smooth
        self.update()

    def _cancel_smoothing(self) -> None:
        if self._smoothing is not None:
            self._smoothing[1].cancel()
            self._smoothing = None


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

        self.zoom_out_action, self.zoom_in_action = zoom_out_in_actions(
            self, self.zoom_out, self.zoom_in
        )
        self.actual_size_action = zoom_action(
            self,
            "100 %",
            "Actual pixels: one image pixel per screen pixel",
            [],
            self.zoom_to_actual,
        )
        self.fit_action = fit_action(self, "Fit", "Fit the image to the pane", self.zoom_to_fit)
        self._zoom_label = QLabel(self)
        self._zoom_label.setMinimumWidth(48)
        self._size_label = QLabel(self)
        viewer_with_toolbar(
            self,
            self._area,
            [self.zoom_out_action, self.zoom_in_action, self.actual_size_action, self.fit_action],
            left=[self._zoom_label],
            right=[self._size_label],
        )

    # --- content -------------------------------------------------------------------------

    def fit_box(self) -> QSize:
        """The room the image has when fit, in device pixels (a decode smooths for it)."""
        room = self._area.maximumViewportSize()
        ratio = self.devicePixelRatioF()
        return QSize(round(room.width() * ratio), round(room.height() * ratio))

    def show_image(self, decoded: DecodedImage) -> None:
        """Show an image a worker decoded, fit to the pane."""
        image = decoded.image
        fitted = decoded.fitted
        self._canvas.set_image(image, fitted)
        full = decoded.full_size
        size = f"{full.width()} × {full.height()} px"
        if full != image.size():
            size += f" (shown at {image.width()} × {image.height()})"
        self._size_label.setText(size)
        self.zoom_to_fit()

    def clear(self) -> None:
        self._canvas.set_image(QImage())
        self._size_label.clear()

    def image(self) -> QImage:
        return self._canvas.image()

    def size_text(self) -> str:
        return self._size_label.text()

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
        image = self._canvas.image()
        if image.isNull():
            return 1.0
        return max(MIN_SCALE, fit_scale(image.size(), self.fit_box()))  # never enlarges

    def _zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        if self._canvas.image().isNull():
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
