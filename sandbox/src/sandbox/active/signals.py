"""What Active reports about a customer, derived from the account's usage profile."""

from __future__ import annotations

import json
import os
import random
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.models import Account, SandboxData

HISTORY_WEEKS = 52
EVENT_TYPES = ("customer.risk_signal", "customer.updated")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def customer_summary(account: Account) -> dict[str, Any]:
    return {
        "id": account.key,
        "name": account.name,
        "risk_score": account.profile.risk_score,
        "usage_change_pct": account.profile.trend_pct,
    }


def usage_report(account: Account, weeks: int, seed: int, today: date) -> dict[str, Any]:
    profile = account.profile
    return {
        "customer_id": account.key,
        "licensed_users": profile.licensed_users,
        "weeks": weekly_usage(account, seed, today)[-weeks:],
        "feature_adoption": dict(profile.feature_adoption),
        "engagement": {
            "last_meeting": profile.last_meeting.isoformat() if profile.last_meeting else None,
            "meeting_frequency": profile.meeting_frequency,
            "qbr_status": profile.qbr_status,
            "engagement_score": profile.engagement_score,
            "nps": profile.nps,
        },
    }


def weekly_usage(account: Account, seed: int, today: date) -> list[dict[str, Any]]:
    """A year of weekly usage, oldest first, ending with the last complete week.

    Flat at the baseline, then the last 4 weeks at the current level, with noise that averages
    to zero within each of the last two 4-week windows, so their ratio is the account's trend.
    The noise is seeded per account, so the history is stable across calls and `weeks` values.
    """
    profile = account.profile
    rng = random.Random(f"{seed}:{account.key}:usage")
    baseline = profile.licensed_users * profile.baseline_utilization
    current = profile.licensed_users * profile.utilization
    levels = [baseline] * (HISTORY_WEEKS - 4) + [current] * 4
    noise = [rng.uniform(-0.04, 0.04) for _ in range(HISTORY_WEEKS)]
    for start in (HISTORY_WEEKS - 8, HISTORY_WEEKS - 4):
        mean = sum(noise[start : start + 4]) / 4
        noise[start : start + 4] = [n - mean for n in noise[start : start + 4]]
    last_week = today - timedelta(days=today.weekday() + 7)  # Monday of the last complete week
    series = []
    for index, (level, jitter) in enumerate(zip(levels, noise, strict=True)):
        active = min(profile.licensed_users, round(level * (1 + jitter)))
        logins = round(active * profile.logins_per_user * rng.uniform(0.92, 1.08))
        week = last_week - timedelta(weeks=HISTORY_WEEKS - 1 - index)
        series.append({"week": week.isoformat(), "active_users": active, "logins": logins})
    return series


def describe(usage_change_pct: float, open_tickets: int, qbr_status: str) -> str:
    """Active's one-line summary, e.g. "Usage down 23% over 4 weeks; 5 open tickets"."""
    if abs(usage_change_pct) < 1:
        usage = "Usage flat over 4 weeks"
    else:
        direction = "down" if usage_change_pct < 0 else "up"
        usage = f"Usage {direction} {abs(usage_change_pct):g}% over 4 weeks"
    parts = [usage, f"{open_tickets} open ticket{'' if open_tickets == 1 else 's'}"]
    if qbr_status == "overdue":
        parts.append("QBR overdue")
    return "; ".join(parts)


def new_event_id(now: datetime) -> str:
    """`evt_` + a ULID: 48-bit millisecond time and 80 random bits in Crockford base 32 (26 chars)."""
    value = (int(now.timestamp() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_CROCKFORD[digit])
    return "evt_" + "".join(reversed(chars))


def event_payload(
    data: SandboxData,
    account: Account,
    event_type: str,
    now: datetime,
    *,
    support_tickets_open: int | None = None,
    notes: str | None = None,
) -> dict[str, Any]:
    profile = account.profile
    tickets = len(data.open_cases(account.id)) if support_tickets_open is None else support_tickets_open
    return {
        "event_id": new_event_id(now),
        "type": event_type,
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "customer": {"id": account.key, "name": account.name},
        "signals": {
            "risk_score": profile.risk_score,
            "usage_change_pct": profile.trend_pct,
            "engagement_score": profile.engagement_score,
            "support_tickets_open": tickets,
            "renewal_date": account.renewal_date.isoformat(),
            "notes": notes if notes is not None else describe(profile.trend_pct, tickets, profile.qbr_status),
        },
    }


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()
