"""Small English helpers for the offline analyser's generated sentences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_date(day: date) -> str:
    """1 March 2026 (no locale: the output is stored and compared in tests)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def fmt_money(amount: float) -> str:
    return f"${amount:,.0f}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """plural(1, "case") -> "1 case"; plural(3, "case") -> "3 cases"."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def join_phrases(phrases: Sequence[str]) -> str:
    """a; a and b; a, b and c."""
    if len(phrases) <= 1:
        return "".join(phrases)
    return f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
