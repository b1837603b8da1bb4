"""CSV cells that spreadsheets would run as formulas (OWASP "CSV injection").

Every CSV the service writes passes its text cells through ``safe_cell``; the
import refuses rows whose cells start like a formula (``starts_like_formula``).
"""

from __future__ import annotations

# The characters that make Excel, LibreOffice and Google Sheets read a cell as a formula
# (tab and carriage return can hide one behind them).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: str) -> bool:
    """True for a cell a spreadsheet would evaluate, also behind leading spaces."""
    return value.startswith(FORMULA_LEADS) or value.lstrip(" ").startswith(FORMULA_LEADS)


def safe_cell(value: str) -> str:
    """The cell as plain text: a leading apostrophe before anything formula-like (OWASP)."""
    return "'" + value if starts_like_formula(value) else value
