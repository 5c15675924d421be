"""A PDF with QtPdf: every page in one scroll, fit to width or zoomed, "page n of m"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from satchel.ui.accessible import described
from satchel.ui.preview.viewer_controls import (
    ZOOM_STEP,
    fit_action,
    viewer_with_toolbar,
    wheel_zoom_steps,
    zoom_out_in_actions,
)

MIN_ZOOM = 0.1
MAX_ZOOM = 8.0

_LOAD_ERRORS = {
    QPdfDocument.Error.FileNotFound: "the file is not there any more",
    QPdfDocument.Error.InvalidFileFormat: "the file is damaged or not a PDF",
    QPdfDocument.Error.IncorrectPassword: "the PDF is protected by a password",
    QPdfDocument.Error.UnsupportedSecurityScheme: "the PDF uses a protection Satchel cannot open",
    QPdfDocument.Error.DataNotYetAvailable: "the file is incomplete",
}


class PdfLoadError(ValueError):
    """The document could not be opened; the message says why, for people."""


class PdfView(QWidget):
    """Zoom out / in / fit width, with Ctrl+wheel, Ctrl++, Ctrl+- and Ctrl+0 (fit width)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._view = described(QPdfView(self), "PDF preview", "The pages of the PDF file")
        self._view.setObjectName("pdfView")
        self._view.setDocument(self.document)
        self._view.setPageMode(QPdfView.PageMode.MultiPage)
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._view.setFrameShape(QFrame.Shape.NoFrame)
        self._view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._view.viewport().installEventFilter(self)
        self._view.pageNavigator().currentPageChanged.connect(self._on_navigator_page_changed)

        self.zoom_out_action, self.zoom_in_action = zoom_out_in_actions(
            self, self.zoom_out, self.zoom_in
        )
        self.fit_width_action = fit_action(
            self, "Fit width", "Fit the pages to the pane's width", self.fit_width
        )
        self._page_label = QLabel(self)
        viewer_with_toolbar(
            self,
            self._view,
            [self.zoom_out_action, self.zoom_in_action, self.fit_width_action],
            right=[self._page_label],
        )

    def load(self, path: Path) -> None:
        """Open the PDF at `path`, first page, fit to width. Raises PdfLoadError."""
        self.clear()
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_:
            self.document.close()
            raise PdfLoadError(_LOAD_ERRORS.get(error, "the PDF could not be opened"))
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._view.pageNavigator().jump(0, QPointF())
        self._view.verticalScrollBar().setValue(0)
        self._update_page_label()

    def clear(self) -> None:
        self.document.close()
        self._page_label.clear()

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    @property
    def current_page(self) -> int:
        """Zero-based, as the page navigator counts."""
        return self._view.pageNavigator().currentPage()

    @property
    def zoom_mode(self) -> QPdfView.ZoomMode:
        return self._view.zoomMode()

    @property
    def zoom_factor(self) -> float:
        """The factor pages are drawn at, also while fitting to width."""
        if self._view.zoomMode() == QPdfView.ZoomMode.Custom:
            return float(self._view.zoomFactor())
        return self._fit_width_factor()

    def page_label(self) -> str:
        return self._page_label.text()

    # --- zoom ----------------------------------------------------------------------------

    def zoom_in(self) -> None:
        self._set_zoom(self.zoom_factor * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.zoom_factor / ZOOM_STEP)

    def fit_width(self) -> None:
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def _set_zoom(self, factor: float) -> None:
        if self.document.status() != QPdfDocument.Status.Ready:
            return
        self._view.setZoomMode(QPdfView.ZoomMode.Custom)
        self._view.setZoomFactor(max(MIN_ZOOM, min(MAX_ZOOM, factor)))

    def _fit_width_factor(self) -> float:
        # How QPdfView sizes a page in FitToWidth: the viewport's width less the margins,
        # over the page's width in points at the screen's logical resolution.
        if self.document.pageCount() == 0:
            return 1.0
        points = self.document.pagePointSize(max(0, self.current_page)).width()
        resolution = self._view.logicalDpiX() / 72.0
        margins = self._view.documentMargins()
        room = self._view.viewport().width() - margins.left() - margins.right()
        return max(MIN_ZOOM, room / (points * resolution)) if points > 0 else 1.0

    # --- pages ---------------------------------------------------------------------------

    def _on_navigator_page_changed(self, _page: int) -> None:
        self._update_page_label()

    def _update_page_label(self) -> None:
        count = self.document.pageCount()
        self._page_label.setText(f"Page {self.current_page + 1} of {count}" if count else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._view.viewport()
            and event.type() == QEvent.Type.Wheel
            and isinstance(event, QWheelEvent)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._set_zoom(self.zoom_factor * ZOOM_STEP ** wheel_zoom_steps(event.angleDelta().y()))
            return True
        return super().eventFilter(watched, event)
