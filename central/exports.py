"""Spreadsheet files the server hands out (dashboard CSV/XLSX, `motcua-central export`): a text cell
is never a formula, numbers stay numbers.

Text in a cell can come from a device (reason codes, comments), an import (procedure names) or an
admin (staff names). A spreadsheet reads a CSV cell starting with = + - @ (or a tab or carriage
return before one) as a formula, so such text gets a leading apostrophe, the usual mark for "this
is text". In XLSX, openpyxl stores any string starting with = as a live formula: text cells are
written as strings instead, marked "quote prefix" so that editing them keeps them text; the text
itself is kept exactly.
"""

import csv
import io
from collections.abc import Iterable

# What a spreadsheet may take for the start of a formula (full-width forms: East Asian locales).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def csv_cell(value):
    """A value as a CSV cell: text that a spreadsheet would run is marked as text; numbers unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def write_csv(stream, rows: Iterable[Iterable], lineterminator: str = "\n") -> None:
    """Rows of values as CSV on `stream`, each cell through csv_cell."""
    out = csv.writer(stream, lineterminator=lineterminator)
    for row in rows:
        out.writerow([csv_cell(v) for v in row])


def xlsx_bytes(
    rows: Iterable[Iterable],
    title: str,
    number_formats: list | None = None,
    bold_first_row: bool = True,
    widths: dict | None = None,
    merges: list | None = None,
    bold_rows: list | None = None,
    cell_formats: dict | None = None,
) -> bytes:
    """A one-sheet workbook. str cells are text (never formulas; control characters dropped), int and
    float cells numbers (with number_formats[column] when given, e.g. "0.0%", or cell_formats[(row,
    column)]), None an empty cell. merges: (first row, first column, last row, last column) ranges;
    bold_rows: 1-based rows in bold (headings of a form)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XLSX cannot hold
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl made "=..." a formula
                if value.startswith(FORMULA_START):
                    cell.quotePrefix = True
            elif cell_formats and (r, c) in cell_formats:
                cell.number_format = cell_formats[r, c]
            elif number_formats and c <= len(number_formats) and number_formats[c - 1]:
                cell.number_format = number_formats[c - 1]
            if (r == 1 and bold_first_row) or (bold_rows and r in bold_rows):
                cell.font = Font(bold=True)
    for first_row, first_column, last_row, last_column in merges or ():
        sheet.merge_cells(start_row=first_row, start_column=first_column, end_row=last_row, end_column=last_column)
    for column, width in (widths or {}).items():
        sheet.column_dimensions[column].width = width
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
