"""Facts for the condition engine from a lead snapshot and the journey's events."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.journeys import LeadSnapshot
from db.models import Lead
from rules.conditions import Event, Facts


def facts_for(
    lead: LeadSnapshot, events: Sequence[Event], step_done_at: Mapping[str, datetime], now: datetime
) -> Facts:
    local = now.astimezone(ZoneInfo(lead.timezone))
    return Facts(
        lead=lead.flat(),
        events=events,
        step_done_at=step_done_at,
        now=now,
        local_hour=local.hour,
        local_weekday=local.weekday(),
    )


_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]{0,60})\}")


def render(template: str, lead: LeadSnapshot, club: str, booking_link: str) -> str:
    """`{first_name}`-style fields; unknown ones stay visible rather than failing; `{{`/`}}` are braces.

    Only bare names are replaced: not str.format, whose format specs and attribute access
    (`{first_name:>2000000000}`, `{x.__class__}`) would let a template author allocate gigabytes in the
    worker or read internals."""
    values = {**lead.flat(), "club": club, "booking_link": booking_link, "first_name": lead.first_name or "there"}

    def substitute(match: re.Match[str]) -> str:
        token, name = match.group(0), match.group(1)
        if name is None:
            return token[0]  # an escaped brace
        if name not in values:
            return token
        return "" if values[name] is None else str(values[name])

    return _TOKEN.sub(substitute, template)


def snapshot(lead: Lead) -> LeadSnapshot:
    return LeadSnapshot(
        id=lead.id,
        first_name=lead.first_name,
        email=lead.email,
        phone=lead.phone,
        region=lead.region,
        source=lead.source,
        timezone=lead.timezone,
        stage=lead.stage,
        score=lead.score,
        channel_preference=lead.channel_preference,
        opt_out_email=lead.opt_out_email,
        opt_out_sms=lead.opt_out_sms,
        created_at=lead.created_at,
        last_engaged_at=lead.last_engaged_at,
        properties=dict(lead.properties or {}),
        engagement={k: int(v) for k, v in (lead.engagement or {}).items()},
    )
