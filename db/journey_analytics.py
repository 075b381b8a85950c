"""Journey analytics per version: the funnel, drop-off per step, time in each
step, and conversion to the goal. Read from enrollments and step visits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Enrollment, StepVisit


async def analytics(
    session: AsyncSession, journey_id: str, version: int | None, step_order: list[str]
) -> dict[str, Any]:
    enrolled = select(Enrollment).where(Enrollment.journey_id == journey_id)
    visits = select(StepVisit).where(StepVisit.journey_id == journey_id)
    if version is not None:
        enrolled, visits = enrolled.where(Enrollment.version == version), visits.where(StepVisit.version == version)
    e = enrolled.subquery()
    statuses = dict((await session.execute(select(e.c.status, func.count()).group_by(e.c.status))).all())
    total = sum(int(n) for n in statuses.values())
    v = visits.subquery()
    reached = dict(
        (
            await session.execute(
                select(v.c.step_id, func.count(func.distinct(v.c.enrollment_id))).group_by(v.c.step_id)
            )
        ).all()
    )
    durations = (
        await session.execute(select(v.c.step_id, v.c.entered_at, v.c.left_at).where(v.c.left_at.is_not(None)))
    ).all()
    seconds: dict[str, list[float]] = {}
    for step_id, entered, left in durations:
        seconds.setdefault(step_id, []).append((left - entered).total_seconds())
    last = await _last_steps(session, journey_id, version)
    steps = []
    for step_id in step_order:
        times = seconds.get(step_id, [])
        steps.append(
            {
                "step_id": step_id,
                "reached": int(reached.get(step_id, 0)),
                "dropped": last.get(step_id, 0),
                "avg_time_s": sum(times) / len(times) if times else None,
            }
        )
    goal = int(statuses.get("goal_met", 0))
    return {
        "enrolled": total,
        "by_status": {k: int(n) for k, n in statuses.items()},
        "goal_met": goal,
        "conversion": goal / total if total else None,
        "steps": steps,
    }


async def _last_steps(session: AsyncSession, journey_id: str, version: int | None) -> dict[str, int]:
    """Where leads that left without meeting the goal were last (drop-off)."""
    q = select(Enrollment.id).where(Enrollment.journey_id == journey_id, Enrollment.status.in_(("exited", "failed")))
    if version is not None:
        q = q.where(Enrollment.version == version)
    latest = (
        select(StepVisit.enrollment_id, func.max(StepVisit.seq).label("seq"))
        .where(StepVisit.enrollment_id.in_(q.scalar_subquery()))
        .group_by(StepVisit.enrollment_id)
        .subquery()
    )
    rows = await session.execute(
        select(StepVisit.step_id, func.count())
        .join(latest, (StepVisit.enrollment_id == latest.c.enrollment_id) & (StepVisit.seq == latest.c.seq))
        .group_by(StepVisit.step_id)
    )
    return {step: int(n) for step, n in rows.all()}
