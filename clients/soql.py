"""SOQL building blocks. Every value interpolated into SOQL goes through `soql_literal`:
customer keys arrive in webhooks and are untrusted."""

from __future__ import annotations

from typing import Any

# Backslash first, or the escapes added for the others would be doubled.
_ESCAPES = (("\\", "\\\\"), ("'", "\\'"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))


def soql_literal(value: str) -> str:
    """`value` as a quoted SOQL string literal: o'brien\\ -> 'o\\'brien\\\\'."""
    for raw, escaped in _ESCAPES:
        value = value.replace(raw, escaped)
    return f"'{value}'"


def strip_attributes(value: Any) -> Any:
    """Drop Salesforce's per-record `attributes` (type + URL), also inside relationship
    objects (Owner) and sub-query results, leaving plain field data."""
    if isinstance(value, dict):
        return {key: strip_attributes(item) for key, item in value.items() if key != "attributes"}
    if isinstance(value, list):
        return [strip_attributes(item) for item in value]
    return value
