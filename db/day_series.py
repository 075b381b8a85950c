"""Per-day series for the charts (contracts/charts.py), built one way for every chart that has days on its axis:
the last N days ending today, sums or counts per (key, day) of timestamped rows, and the axis labels. Days are
UTC and bucketed here in Python, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from contracts.charts import Chart, Series


def day_of(at: datetime) -> date:
    """The UTC day of a timestamp; a naive one (as SQLite may hand back) is UTC already."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).date()


def last_days(today: date, n: int) -> list[date]:
    """The `n` days ending with `today`, oldest first."""
    return [today - timedelta(days=n - 1 - i) for i in range(n)]


def since(today: date, n: int) -> datetime:
    """The first moment of the first of `last_days(today, n)`: what a query selects from."""
    return datetime.combine(today - timedelta(days=n - 1), time.min, tzinfo=UTC)


def sum_per_day(
    rows: Iterable[tuple[datetime, str, float]], days: Sequence[date], keys: Iterable[str] | None = None
) -> dict[str, list[float]]:
    """Sums per (key, day) of (timestamp, key, amount) rows; rows outside `days` are left out. With `keys`, just
    those keys (each one there, zeros where nothing happened); without, every key a row in range has."""
    index = {d: i for i, d in enumerate(days)}
    sums = {k: [0.0] * len(days) for k in keys} if keys is not None else {}
    for at, key, amount in rows:
        i = index.get(day_of(at))
        if i is None or (keys is not None and key not in sums):
            continue
        sums.setdefault(key, [0.0] * len(days))[i] += amount
    return sums


def count_per_day(
    rows: Iterable[tuple[datetime, str]], days: Sequence[date], keys: Iterable[str]
) -> dict[str, list[float]]:
    """How many (timestamp, key) rows fall on each day, per key."""
    return sum_per_day(((at, key, 1.0) for at, key in rows), days, keys)


def date_axis(dates: Sequence[date]) -> dict[str, list[str]]:
    """A chart's labels ("Mar 3") and keys (ISO dates) for these days or weeks."""
    return {"labels": [d.strftime("%b %-d") for d in dates], "keys": [d.isoformat() for d in dates]}


def daily_chart(
    chart_id: str, title: str, summary: str, days: Sequence[date], series: list[Series], **extra: Any
) -> Chart:
    """A chart with one category per day; `extra` sets the other Chart fields (unit, markers, stacked...)."""
    return Chart(id=chart_id, title=title, summary=summary, category="Day", **date_axis(days), series=series, **extra)
