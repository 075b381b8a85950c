"""Human-readable output. Titles, names and reasons come from members and models:
control characters are dropped so they cannot drive the terminal."""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import datetime
from typing import Any


def clean(value: Any) -> str:
    text = "" if value is None else str(value)
    return "".join(ch for ch in text if ch in "\n" or unicodedata.category(ch)[0] != "C")


def when(iso: str | None) -> str:
    """An API timestamp in this machine's time zone."""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M") if iso else "-"


def table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[clean(c).replace("\n", " ") for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    for row in [headers, *cells]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def as_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2)
    print()
