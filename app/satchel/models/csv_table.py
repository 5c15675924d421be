"""A CSV file as a table model: the dialect sniffed, the rows capped, ragged rows padded."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from satchel.models.read_only_table import Index, ReadOnlyTableModel

#: More rows than this make a preview slow to open; the note says the rest is not shown.
ROW_CAP = 10_000
#: Bytes read at most, whatever the row count (one huge field must not stall the window).
BYTE_CAP = 16 * 1024 * 1024
#: Columns shown at most; a row of 100,000 fields would make a table no one can read.
COLUMN_CAP = 500
#: What the dialect is guessed from: the sniffer's time grows with the square of this.
_SAMPLE = 4 * 1024
_DELIMITERS = ",;\t|"
#: Rows parsed between two checks whether the parse is still wanted (a worker's decode).
_CHECK_EVERY = 500

#: The view asks for seven roles per cell it paints: answered with plain ints, quickly.
_SHOWN_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)})


@dataclass(frozen=True, slots=True)
class CsvTable:
    header: list[str]
    rows: list[list[str]]
    truncated: bool  # rows or bytes past the caps were left out
    columns_cut: bool = False  # columns past COLUMN_CAP were left out
    columns: int = 0  # as wide as the widest row (counted while parsing, not by the view)


def _go_on() -> None:
    """The default check: nobody cancels."""


def _dialect(sample: str, tab_separated: bool) -> type[csv.Dialect] | csv.Dialect:
    if tab_separated:
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


def _has_header(sample: str, first: list[str]) -> bool:
    """Most files people attach have a header row: distinct names, none a number."""
    distinct = bool(first) and all(c.strip() for c in first) and len(set(first)) == len(first)
    if distinct and not any(_is_number(c) for c in first):
        return True
    try:
        return csv.Sniffer().has_header(sample)
    except csv.Error:
        return False


def parse_csv(
    text: str,
    *,
    tab_separated: bool = False,
    row_cap: int = ROW_CAP,
    check: Callable[[], None] = _go_on,
) -> CsvTable:
    """Rows of `text`; the first becomes the header when it looks like one. `check` is
    called every few hundred rows and may raise to stop the parse (a cancelled decode)."""
    sample = _sample(text)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(sample, tab_separated))
    rows: list[list[str]] = []
    truncated = columns_cut = False
    columns = 0
    for row in reader:
        if len(rows) > row_cap:  # one more than the cap, for the header
            truncated = True
            break
        if len(row) > COLUMN_CAP:
            row, columns_cut = row[:COLUMN_CAP], True
        columns = max(columns, len(row))
        rows.append(row)
        if len(rows) % _CHECK_EVERY == 0:
            check()
    header: list[str] = []
    if rows and _has_header(sample, rows[0]):
        header = rows.pop(0)
    if len(rows) > row_cap:
        rows, truncated = rows[:row_cap], True
    return CsvTable(header, rows, truncated, columns_cut, columns)


def _sample(text: str) -> str:
    """The first few KB, whole lines only where there is more than one."""
    sample = text[:_SAMPLE]
    end = sample.rfind("\n")
    return sample[: end + 1] if end > 0 and len(text) > _SAMPLE else sample


def read_csv(
    path: Path,
    *,
    tab_separated: bool = False,
    row_cap: int = ROW_CAP,
    check: Callable[[], None] = _go_on,
) -> CsvTable:
    """Parse the file (UTF-8, BOM or not; bad bytes replaced). Raises OSError, csv.Error."""
    with path.open("rb") as file:
        data = file.read(BYTE_CAP + 1)
    cut = len(data) > BYTE_CAP
    text = data[:BYTE_CAP].decode("utf-8-sig", errors="replace")
    if cut:
        text = text[: text.rfind("\n") + 1]  # no half row at the end
    check()
    table = parse_csv(text, tab_separated=tab_separated, row_cap=row_cap, check=check)
    return replace(table, truncated=table.truncated or cut)


def column_title(header: list[str], section: int) -> str:
    """The header's name for the column, or its number when it has none."""
    if section < len(header) and header[section]:
        return header[section]
    return str(section + 1)


class CsvTableModel(ReadOnlyTableModel):
    """Read-only rows of a CsvTable; columns as wide as the widest row."""

    def __init__(self, table: CsvTable | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[list[str]] = []
        self._columns = 0
        if table is not None:
            self.set_table(table)

    def set_table(self, table: CsvTable) -> None:
        self.beginResetModel()
        self._header = table.header
        self._rows = table.rows
        self._columns = max(len(table.header), table.columns)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _SHOWN_ROLES or not index.isValid():
            return None
        row = self._rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_title(self._header, section)
        return str(section + 1)
