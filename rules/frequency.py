"""Cross-channel coordination (seed 003): at most N messages per lead in a
rolling window across every channel and journey, and none in the lead's quiet
hours. Pure: returns when the next message may go out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_CAP = 3
DEFAULT_WINDOW = timedelta(hours=24)
QUIET_START, QUIET_END = 21, 8  # local 21:00 to 08:00


def in_quiet_hours(local: datetime, start: int = QUIET_START, end: int = QUIET_END) -> bool:
    hour = local.hour
    return hour >= start or hour < end if start > end else start <= hour < end


def _after_quiet(local: datetime, end: int) -> datetime:
    morning = datetime.combine(local.date(), time(end), tzinfo=local.tzinfo)
    return morning if local < morning else morning + timedelta(days=1)


def next_allowed(
    now: datetime,
    tz: str,
    sent: Sequence[datetime],
    *,
    cap: int = DEFAULT_CAP,
    window: timedelta = DEFAULT_WINDOW,
    quiet: tuple[int, int] | None = (QUIET_START, QUIET_END),
) -> datetime | None:
    """None: send now. Otherwise the earliest UTC time a message may be sent."""
    at = now
    recent = sorted(t for t in sent if now - t < window)
    if len(recent) >= cap:
        # The oldest message that must leave the window before another may go.
        at = recent[len(recent) - cap] + window
    if quiet is not None:
        local = at.astimezone(ZoneInfo(tz))
        if in_quiet_hours(local, *quiet):
            at = _after_quiet(local, quiet[1]).astimezone(now.tzinfo)
    return None if at == now else at
