"""A journey's analytics as pictures (contracts/charts.py): the funnel per version, drop-off per step, how
long leads spent in each step, and the flow's edges with how many leads took each. Read from enrollments
and step visits (db/journey_analytics.py has the per-step numbers); `version` None means every version."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.charts import Chart, Series
from db import journey_analytics, journey_store
from db.models import Enrollment, JourneyVersion, StepVisit

# Time-in-step buckets, in seconds: wide on purpose, so a demo clock (a day a minute) and real journeys
# (days) both fill some of them.
TIME_BUCKETS = (
    ("1m", "Under a minute", 60),
    ("1h", "1–60 minutes", 3600),
    ("1d", "1–24 hours", 86400),
    ("1w", "1–7 days", 7 * 86400),
    ("more", "Over a week", None),
)
# Where a lead went after its last step: the enrollment's end, keyed like the flow's end nodes.
ENDS = {"goal_met": "Goal met", "completed": "Completed", "exited": "Exited", "failed": "Failed"}


def bucket(seconds: float) -> str:
    return next(key for key, _, top in TIME_BUCKETS if top is None or seconds < top)


async def _versions(session: AsyncSession, journey_id: str, version: int | None) -> list[JourneyVersion]:
    every = sorted(await journey_store.versions(session, journey_id), key=lambda v: v.version)
    return [v for v in every if version is None or v.version == version]


def _steps(shown: list[JourneyVersion], active: JourneyVersion | None) -> tuple[list[str], dict[str, str]]:
    """Step ids in the active (or chosen) version's order, then steps only older versions have."""
    order: list[str] = []
    names: dict[str, str] = {}
    for v in [*([active] if active else []), *reversed(shown)]:
        for s in v.definition["steps"]:
            if s["id"] not in names:
                order.append(s["id"])
                names[s["id"]] = s.get("name") or s["id"]
    return order, names


Frame = tuple[list[JourneyVersion], list[str], dict[str, str]]


async def _frame(session: AsyncSession, journey_id: str, version: int | None) -> Frame:
    shown = await _versions(session, journey_id, version)
    active = await journey_store.version(session, journey_id, version)
    order, names = _steps(shown, active)
    return shown, order, names


def _chart(
    chart_id: str, title: str, summary: str, order: list[str], names: dict[str, str], series: list[Series], **extra: Any
) -> Chart:
    labels = [f"{i + 1}. {names[s]}" for i, s in enumerate(order)]
    return Chart(
        id=chart_id, title=title, summary=summary, horizontal=True, category="Step", labels=labels, keys=order,
        series=series, **extra,
    )  # fmt: skip


async def funnel(session: AsyncSession, journey_id: str, version: int | None) -> Chart:
    """Leads that reached each step, one bar per version: where a new version lost or kept leads."""
    shown, order, names = await _frame(session, journey_id, version)
    series = []
    for v in shown:
        data = await journey_analytics.analytics(session, journey_id, v.version, order)
        if data["enrolled"] or version is not None:
            reached = {s["step_id"]: s["reached"] for s in data["steps"]}
            series.append(Series(name=f"Version {v.version}", key=f"v{v.version}", values=[reached[s] for s in order]))
    return _chart(
        "funnel",
        "Funnel per version",
        f"Leads that reached each step, for {len(series)} version{'s' if len(series) != 1 else ''} with leads.",
        order, names, series, stacked=False,
    )  # fmt: skip


async def dropoff(session: AsyncSession, journey_id: str, version: int | None) -> Chart:
    """Where leads that left without meeting the goal (exited or failed) last were."""
    _, order, names = await _frame(session, journey_id, version)
    data = await journey_analytics.analytics(session, journey_id, version, order)
    dropped = [float(s["dropped"]) for s in data["steps"]]
    worst = max(range(len(order)), key=lambda i: dropped[i], default=None)
    where = f"; most at step {worst + 1}, {names[order[worst]]}" if worst is not None and dropped[worst] else ""
    return _chart(
        "dropoff",
        "Drop-off per step",
        f"{sum(dropped):.0f} lead{'' if sum(dropped) == 1 else 's'} left without meeting the goal{where}.",
        order, names, [Series(name="Dropped off here", key="dropped", values=dropped)],
    )  # fmt: skip


async def time_in_step(session: AsyncSession, journey_id: str, version: int | None) -> Chart:
    """How long leads stayed in each step they have left, in buckets from under a minute to over a week."""
    _, order, names = await _frame(session, journey_id, version)
    q = select(StepVisit.step_id, StepVisit.entered_at, StepVisit.left_at).where(
        StepVisit.journey_id == journey_id, StepVisit.left_at.is_not(None)
    )
    if version is not None:
        q = q.where(StepVisit.version == version)
    counts: Counter[tuple[str, str]] = Counter()
    for step, entered, left in (await session.execute(q)).all():
        if left is None:  # the query leaves these out; the type does not know
            continue
        counts[(step, bucket((left - entered).total_seconds()))] += 1
    series = [
        Series(name=name, key=key, values=[float(counts[(s, key)]) for s in order]) for key, name, _ in TIME_BUCKETS
    ]
    return _chart(
        "time-in-step",
        "Time in step",
        f"{sum(counts.values())} step visits that ended, by how long they lasted.",
        order, names, series,
    )  # fmt: skip


async def transitions(session: AsyncSession, journey_id: str, version: int | None) -> Counter[tuple[str, str]]:
    """How many leads went from one step to the next ("entry" before the first, an ENDS key after the last)."""
    q = select(StepVisit.enrollment_id, StepVisit.step_id).where(StepVisit.journey_id == journey_id)
    e = select(Enrollment.id, Enrollment.status).where(Enrollment.journey_id == journey_id)
    if version is not None:
        q, e = q.where(StepVisit.version == version), e.where(Enrollment.version == version)
    status = dict((await session.execute(e)).all())
    paths: dict[str, list[str]] = {}
    for enrollment, step in (await session.execute(q.order_by(StepVisit.enrollment_id, StepVisit.seq))).all():
        paths.setdefault(enrollment, []).append(step)
    counts: Counter[tuple[str, str]] = Counter()
    for enrollment, steps in paths.items():
        walk = ["entry", *steps, *([status[enrollment]] if status.get(enrollment) in ENDS else [])]
        counts.update(pairwise(walk))
    return counts
