"""Filters and globals for the dashboard templates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from jinja2 import Environment

from api import reassign_choices
from api.auth import csrf_token
from contracts.charts import chart_link
from core.settings import Settings
from db.inbox_store import FLAG_TAG
from rules.determination import days_until
from rules.risk import FLAGS

ACRONYMS = {"arr", "nps", "qbr", "csm", "id", "url"}
STAGE_CLASS = {"Emergency": "emergency", "Critical": "critical", "Prepare": "prepare", "Monitor": "monitor"}


def money(value: Any) -> str:
    try:
        return f"${float(value):,.0f}"
    except (TypeError, ValueError):
        return "—"


def trend(value: Any) -> str:
    if value is None:
        return "—"
    v = float(value)
    if abs(v) < 0.5:
        return "flat"
    return f"{'↑' if v > 0 else '↓'} {abs(v):.0f}%"


def days_left(renewal_date: date) -> int:
    return days_until(renewal_date, datetime.now(UTC).date())


def duration(seconds: Any) -> str:
    try:
        s = int(float(seconds))
    except (TypeError, ValueError):
        return "—"
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {(s % 3600) // 60:02d}m"


def humanize(value: str) -> str:
    """`closeDate` -> "Close date", `renewed_with_concession` -> "Renewed with concession"; acronyms stay."""
    words = re.findall(r"[A-Z]{2,}(?=[A-Z][a-z]|\b|$)|[A-Z]?[a-z]+|[A-Z]+|\d+", value.replace("-", " "))
    if not words:
        return value
    text = " ".join(
        w if w.isupper() and len(w) > 1 else w.upper() if w.lower() in ACRONYMS else w.lower() for w in words
    )
    return text[0].upper() + text[1:]


def number(value: Any) -> Any:
    """Amounts (floats) get thousands separators, whole ones no decimals (285800.0 -> 285,800).
    Integers are left alone: they are counts, scores and years."""
    if not isinstance(value, float):
        return value
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


def install(env: Environment, settings: Settings) -> None:
    env.filters.update(
        money=money,
        trend=trend,
        duration=duration,
        humanize=humanize,
        number=number,
        stage_class=lambda s: STAGE_CLASS.get(s, "monitor"),
    )
    env.globals.update(
        days_left=days_left,
        csrf_token=csrf_token,
        llm_enabled=settings.llm.enabled,
        llm_label=(
            f"Claude · {settings.llm.model}" if settings.llm.enabled else "Offline analyser (no ANTHROPIC_API_KEY)"
        ),
        temporal_ui=settings.temporal.ui_url.rstrip("/"),
        namespace=settings.temporal.namespace,
        quote=quote,
        risk_label=lambda flag: FLAGS.get(flag, flag.replace("_", " ")).capitalize(),
        flag_tag=FLAG_TAG,
        chart_link=chart_link,
        reassign_choices=reassign_choices.choices,
    )
