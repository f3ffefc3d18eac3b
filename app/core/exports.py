"""What every export (CSV, Excel) shares: a text cell a spreadsheet would run as a formula
is written as text (docs/design.md §6), dates as dd/mm/yyyy, a workbook made into bytes."""
import io

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"
BOLD = Font(bold=True)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def text_cell(value) -> str:
    """A text cell that a spreadsheet will never run as a formula."""
    return neutralise(str(value)) if value is not None else ""


def workbook_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def set_widths(ws, widths) -> None:
    """Column widths in characters, from column A on."""
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
