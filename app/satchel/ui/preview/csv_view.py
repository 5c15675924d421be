"""A CSV file as a table: the rows the model holds, a note when some were left out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QFrame, QTableView, QVBoxLayout, QWidget

from satchel.models.csv_table import CsvTable, CsvTableModel
from satchel.ui.accessible import described
from satchel.ui.preview.viewer_controls import NoteLabel

#: Columns are sized to their content, up to this width (long cells keep a tooltip).
MAX_COLUMN_WIDTH = 320


class CsvView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = NoteLabel(self)
        self.model = CsvTableModel(parent=self)
        self.table = described(
            QTableView(self), "Table preview", "The rows and columns of the CSV file"
        )
        self.table.setObjectName("csvPreview")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setFrameShape(QFrame.Shape.NoFrame)
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)

    def show_table(self, table: CsvTable, note: str | None = None) -> None:
        self.model.set_table(table)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            if header.sectionSize(column) > MAX_COLUMN_WIDTH:
                header.resizeSection(column, MAX_COLUMN_WIDTH)
        self.table.scrollToTop()
        self.note.set_note(note)

    def clear(self) -> None:
        self.model.set_table(CsvTable([], [], truncated=False))
        self.note.set_note(None)
