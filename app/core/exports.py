"""What every export (CSV, Excel) shares: a text cell a spreadsheet would run as a formula
is written as text (docs/design.md §6)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell
