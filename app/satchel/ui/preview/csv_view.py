"""A CSV file as a table: the rows the model holds, a note when some were left out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QFrame, QTableView, QWidget

from satchel.models.csv_table import CsvTable, CsvTableModel, column_title
from satchel.ui.accessible import described
from satchel.ui.preview.viewer_controls import NoteLabel, toolbar_over

#: Columns are sized to their content, up to this width (long cells keep a tooltip).
MAX_COLUMN_WIDTH = 320
#: Cells measured to size the columns: the first rows, fewer the more columns there are
#: (Qt's own resizeColumnsToContents asks the model for 1,000 rows: 0.4 s for 10,000;
#: measuring here is on the UI thread too: fonts are not shared with workers safely).
MEASURED_CELLS = 800
#: A cell is measured on its first characters only (wider is cut at MAX_COLUMN_WIDTH).
_MEASURED_CHARS = 80
#: Room around a cell's text: the item's margins and the grid line.
_CELL_PADDING = 14


def column_widths(table: CsvTable, cells: QFont, titles: QFont) -> list[int]:
    """Each column as wide as its title and its first cells, up to MAX_COLUMN_WIDTH."""
    columns = max(len(table.header), table.columns)
    cell_metrics, title_metrics = QFontMetrics(cells), QFontMetrics(titles)
    sample = table.rows[: max(10, MEASURED_CELLS // max(1, columns))]
    widths = []
    for column in range(columns):
        title = column_title(table.header, column)[:_MEASURED_CHARS]
        widest = title_metrics.horizontalAdvance(title)
        for row in sample:
            if column < len(row):
                widest = max(widest, cell_metrics.horizontalAdvance(row[column][:_MEASURED_CHARS]))
        widths.append(min(MAX_COLUMN_WIDTH, widest + _CELL_PADDING))
    return widths


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
        toolbar_over(self, self.note, self.table)

    def show_table(self, table: CsvTable, note: str | None = None) -> None:
        self.model.set_table(table)
        header = self.table.horizontalHeader()
        widths = column_widths(table, self.table.font(), header.font())
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        self.table.scrollToTop()
        self.note.set_note(note)

    def clear(self) -> None:
        self.model.set_table(CsvTable([], [], truncated=False))
        self.note.set_note(None)
