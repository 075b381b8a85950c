"""Shared by the campaign pages (agents, command center, approvals, suppression):
time and money formatting, rendering with those helpers, and inline errors for
htmx actions."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import ValidationError

from api.auth import Forbidden
from api.deps import get_templates
from api.template_helpers import number

# campaigns.js lets htmx swap 4xx responses that carry this header (it ignores
# other error responses), so a refused action shows its reason where it happened.
INLINE = "X-Renubu-Inline"
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


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


def kill_state(value: dict[str, Any]) -> dict[str, Any]:
    """The kill switch as control.kill_switch gives it, its time parsed (it is stored as ISO text)."""
    at = value.get("at")
    return {**value, "at": datetime.fromisoformat(at) if isinstance(at, str) else None}


def cell(value: Any) -> Any:
    """A tool result's table cell: timestamps shortened to their day, amounts with separators."""
    if isinstance(value, str) and ISO_TIMESTAMP.match(value):
        return value[:10]
    return "—" if value is None else number(value)


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200, inline: bool = False
) -> Response:
    tz = ZoneInfo(request.app.state.settings.club.timezone)
    helpers = {
        "ago": ago,
        "until": until,
        "clock": clock_in(tz),
        "usd": usd,
        "pct": pct,
        "safe_link": safe_link,
        "json": pretty_json,
        "cell": cell,
        "now": datetime.now(UTC),
        "new_request_id": lambda: uuid.uuid4().hex,  # idempotency ids for forms (api/idempotency.py)
    }
    return get_templates(request).TemplateResponse(
        request,
        template,
        {**helpers, "club_tz": tz.key, **context},
        status_code=status_code,
        headers={INLINE: "1"} if inline else None,
    )


def problem_text(exc: Exception) -> str:
    """A readable sentence for a refused action: the server's reason, or which field is wrong."""
    if isinstance(exc, Forbidden):
        return exc.message
    if isinstance(exc, HTTPException):
        return str(exc.detail)
    if isinstance(exc, RequestValidationError | ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p not in ('body', 'query', 'path'))}: {e['msg']}".lstrip(": ")
            for e in exc.errors()[:3]
        )
    return str(exc)


def flash(request: Request, message: str, status_code: int) -> Response:
    """The message into the page's toast area (#flash in base.html), whatever the request's target."""
    response = render(request, "partials/campaigns/flash.html", {"message": message}, status_code, inline=True)
    response.headers["HX-Retarget"] = "#flash"
    response.headers["HX-Reswap"] = "afterbegin"
    return response


class InlineErrors(APIRoute):
    """For htmx requests, a role error, a 4xx HTTPException or invalid form input
    becomes a visible message instead of a full error page htmx would drop."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (Forbidden, HTTPException, RequestValidationError) as exc:
                status = 403 if isinstance(exc, Forbidden) else getattr(exc, "status_code", 422)
                if not is_htmx(request) or status >= 500:
                    raise
                return flash(request, problem_text(exc), status)

        return handle
