"""CSV cells that a spreadsheet will show as text, never run as a formula."""

from __future__ import annotations

import json

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as CSV text; a leading = + - @ is escaped with a quote mark (OWASP's advice)."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
