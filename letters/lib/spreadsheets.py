"""Cells a spreadsheet would run as a formula ("CSV injection"): one rule for the names
imports and sign-ups refuse and for the cells downloads neutralise."""

import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@")


def starts_like_formula(text: str) -> bool:
    """True when a spreadsheet may read `text` as a formula.

    That is text starting with =, +, - or @ (OWASP), also once leading spaces and line
    breaks are skipped (spreadsheets trim them) and in the full-width forms (＝ ＋ － ＠)
    that some fold to the same, and text starting with a tab or a carriage return.
    """
    if text.startswith(("\t", "\r")):
        return True
    first = unicodedata.normalize("NFKC", text.lstrip()[:1])
    return first.startswith(FORMULA_STARTS)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text and never runs: formula-like ones get a '."""
    return "'" + cell if starts_like_formula(cell) else cell
