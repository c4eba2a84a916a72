"""A story as one Excel workbook (.xlsx, written by openpyxl): a sheet per CSV table, the
joined table first. Every openpyxl call is here.

Unlike a CSV, which a spreadsheet reads by guessing ("-5" a number, "2016-09-20" a date,
"00123" 123, "=HYPERLINK(...)" a formula), each cell says what it is: ids and offsets are
numbers, every text is text, exactly as stored, and never a formula. What Excel cannot hold is
changed, and only that: characters XML forbids (control characters other than tab and newline)
are dropped, and a text longer than a cell holds (32,767 characters: an article's body) is cut
there, ending in "…" (the JSON document has every text whole).
"""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

CELL_MAX = 32_767  # characters in one cell, in Excel
CUT = "…"


def workbook(tables: dict[str, list[dict]], headers: dict[str, list[str]]) -> bytes:
    """The tables (name -> rows of plain values, lists already flattened) as an .xlsx file;
    `headers`: the columns of a table that has no rows."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        columns = list(rows[0]) if rows else headers[name]
        sheet.freeze_panes = "A2"
        sheet.append([_text_cell(sheet, c, bold) for c in columns])
        for row in rows:
            sheet.append([_cell(sheet, row[c]) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value):
    if isinstance(value, str):
        return _text_cell(sheet, value)
    return value  # a number, a boolean or None (an empty cell)


def _text_cell(sheet, text: str, font=None):
    """Text as a text cell: openpyxl would write one starting with "=" as a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > CELL_MAX:
        text = text[: CELL_MAX - len(CUT)] + CUT
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell
