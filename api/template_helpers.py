"""Filters and globals for the dashboard templates, registered once at start (install):
money and time formatting, the club's clock, links and ids for forms."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

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
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


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
    """Seconds for people, from a run's "45s" to a journey step's "2.5 days"; "—" when there is none."""
    try:
        s = int(float(seconds))
    except (TypeError, ValueError):
        return "—"
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 172_800:
        return f"{s // 3600}h {(s % 3600) // 60:02d}m"
    return f"{s / 86400:.1f} days"


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


def ago(value: datetime | None) -> str:
    if value is None:
        return "never"
    seconds = (datetime.now(UTC) - value).total_seconds()
    if seconds < 45:
        return "just now"
    return f"{_span(seconds)} ago"


def until(value: datetime | None) -> str:
    if value is None:
        return "not scheduled"
    seconds = (value - datetime.now(UTC)).total_seconds()
    return "due now" if seconds < 45 else f"in {_span(seconds)}"


def _span(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def clock_in(tz: ZoneInfo) -> Callable[[datetime | None], str]:
    """Times in the club's time zone: "6:00 AM" (today), "Tomorrow 6:00 AM", "Mon 9:00 AM", "Mar 3 9:00 AM"."""

    def clock(value: datetime | None) -> str:
        if value is None:
            return "—"
        local, today = value.astimezone(tz), datetime.now(tz).date()
        time = local.strftime("%I:%M %p").lstrip("0")
        if local.date() == today:
            return time
        if local.date() == today + timedelta(days=1):
            return f"Tomorrow {time}"
        if abs((local.date() - today).days) < 7:
            return f"{local:%a} {time}"
        return f"{local:%b} {local.day} {time}"

    return clock


def usd(value: float | None) -> str:
    """LLM costs are often fractions of a cent: keep enough digits to see them."""
    amount = float(value or 0)
    return f"${amount:.4f}" if 0 < amount < 0.01 else f"${amount:,.2f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def safe_link(link: str | None) -> str | None:
    """Only local paths become links (never javascript: or another site)."""
    return link if link and link.startswith("/") and not link.startswith("//") else None


def cell(value: Any) -> Any:
    """A tool result's table cell: timestamps shortened to their day, amounts with separators."""
    if isinstance(value, str) and ISO_TIMESTAMP.match(value):
        return value[:10]
    return "—" if value is None else number(value)


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def new_request_id() -> str:
    """An idempotency id for a form (api/idempotency.py): one per rendering."""
    return uuid.uuid4().hex


def install(env: Environment, settings: Settings) -> None:
    tz = ZoneInfo(settings.club.timezone)
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
        # Called as functions in the templates (`ago(dt)`), hence globals rather than filters.
        ago=ago,
        until=until,
        clock=clock_in(tz),
        club_tz=tz.key,
        usd=usd,
        pct=pct,
        safe_link=safe_link,
        json=pretty_json,
        cell=cell,
        new_request_id=new_request_id,
    )
