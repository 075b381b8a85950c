"""Spreadsheet formula injection: a cell starting with one of these is run as a formula by Excel, Sheets
and LibreOffice (a member named '=HYPERLINK(...)', or a tab or carriage return before one). Prefixing
a quote keeps it text."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_rows(rows: list[list[Any]]) -> list[list[Any]]:
    return [[safe_cell(cell) for cell in row] for row in rows]
