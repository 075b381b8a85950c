"""A customer's lines over time, as charts (contracts/charts.py) with the events that moved them marked:
the risk and health scores of each stored analysis (customer_intelligence, one row per signal), and the
weekly active users and licensed seats Active reported (the usage history each analysis stored in its
context). Events: the signals, the renewal steps completed (workflow_step_history) and the renewals'
outcomes. Nothing here is fetched or invented: a week or a day without a stored reading has no value."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.charts import Chart, Marker, Series
from contracts.intelligence import CustomerContext, RiskSignal
from db.day_series import daily_chart, date_axis, day_of, last_days
from db.models import CustomerIntelligence, WorkflowInstance, WorkflowStepHistory

MIN_DAYS, MAX_DAYS = 14, 90
Kind = Literal["signal", "step", "outcome"]
Event = tuple[datetime, Kind, str]


async def _readings(session: AsyncSession, customer_id: str) -> list[CustomerIntelligence]:
    rows = await session.scalars(
        select(CustomerIntelligence)
        .where(CustomerIntelligence.customer_id == customer_id)
        .order_by(CustomerIntelligence.created_at, CustomerIntelligence.id)
    )
    return list(rows)


def _signal_text(row: CustomerIntelligence) -> str:
    signal = RiskSignal.model_validate(row.signal) if row.signal else None
    said = f"Active said risk {signal.risk_score}" if signal and signal.risk_score is not None else "analysed"
    kind = signal.type.replace("_", " ") if signal else "manual analysis"
    return f"Signal ({kind}): {said}; scored risk {row.risk_score}, health {row.health_score}"


async def _events(session: AsyncSession, customer_id: str, readings: list[CustomerIntelligence]) -> list[Event]:
    """Signals, renewal steps completed and renewal outcomes of this customer, oldest first."""
    events: list[Event] = [(r.created_at, "signal", _signal_text(r)) for r in readings]
    steps = await session.execute(
        select(WorkflowStepHistory.completed_at, WorkflowStepHistory.step_name)
        .join(WorkflowInstance, WorkflowInstance.id == WorkflowStepHistory.workflow_id)
        .where(WorkflowInstance.customer_id == customer_id)
    )
    events += [(at, "step", f"Step completed: {name}") for at, name in steps.all()]
    outcomes = await session.execute(
        select(WorkflowInstance.completed_at, WorkflowInstance.outcome_status, WorkflowInstance.stage).where(
            WorkflowInstance.customer_id == customer_id,
            WorkflowInstance.status == "completed",
            WorkflowInstance.completed_at.is_not(None),
        )
    )
    events += [
        (at, "outcome", f"{stage} renewal completed: {(outcome or 'no outcome').replace('_', ' ')}")
        for at, outcome, stage in outcomes.all()
        if at is not None
    ]
    return sorted(events, key=lambda e: e[0].replace(tzinfo=None))


def _on_line(line: list[float | None], i: int) -> float | None:
    """The line's height at label i: its value, else between the readings either side (where the joined
    line is drawn), else the nearest reading."""
    if line[i] is not None:
        return line[i]
    before = next(((j, v) for j in range(i, -1, -1) if (v := line[j]) is not None), None)
    after = next(((j, v) for j in range(i, len(line)) if (v := line[j]) is not None), None)
    if before and after:
        (j0, v0), (j1, v1) = before, after
        return round(v0 + (v1 - v0) * (i - j0) / (j1 - j0), 1)
    return (before or after or (0, None))[1]


def _markers(events: list[Event], index_of: dict[date, int], line: list[float | None]) -> list[Marker]:
    """Each event at its label, drawn on the line there."""
    markers = []
    for at, kind, text in events:
        i = index_of.get(day_of(at))
        if i is not None:
            markers.append(Marker(index=i, kind=kind, text=text, value=_on_line(line, i)))
    return markers


async def risk_over_time(session: AsyncSession, customer_id: str, today: date) -> Chart:
    """Risk and health per day (the day's last analysis), over the days the history spans (14 to 90)."""
    readings = await _readings(session, customer_id)
    events = await _events(session, customer_id, readings)
    first = min([day_of(at) for at, _, _ in events], default=today)
    span = min(MAX_DAYS, max(MIN_DAYS, (today - first).days + 1))
    days = last_days(today, span)
    index_of = {d: i for i, d in enumerate(days)}
    risk: list[float | None] = [None] * span
    health: list[float | None] = [None] * span
    for r in readings:  # oldest first: the day's last analysis wins
        i = index_of.get(day_of(r.created_at))
        if i is not None:
            risk[i], health[i] = float(r.risk_score), float(r.health_score)
    latest = readings[-1] if readings else None
    summary = (
        f"{len(readings)} analyses; risk now {latest.risk_score}/100, health {latest.health_score}/100."
        if latest
        else "No analysis of this customer is stored yet."
    )
    return daily_chart(
        "risk",
        "Risk score over time",
        summary,
        days,
        stacked=False,
        series=[
            Series(name="Risk score", key="risk", values=risk, kind="line", join_gaps=True),
            Series(name="Health score", key="health", values=health, kind="line", join_gaps=True),
        ],
        markers=_markers(events, index_of, risk),
        max_value=100,
    )


async def usage_over_time(session: AsyncSession, customer_id: str) -> Chart:
    """Weekly active users and licensed seats, from the usage history each analysis stored (newest wins)."""
    readings = await _readings(session, customer_id)
    active: dict[date, int] = {}
    seats: dict[date, int] = {}
    for r in readings:  # oldest first: a later analysis's figure for the same week replaces an earlier one
        usage = CustomerContext.model_validate(r.context).data.usage
        for point in usage.history:
            active[point.week], seats[point.week] = point.active_users, usage.licensed_users
    weeks = sorted(active)
    index_of = {w + timedelta(days=d): i for i, w in enumerate(weeks) for d in range(7)}
    wau: list[float | None] = [float(active[w]) for w in weeks]
    events = await _events(session, customer_id, readings)
    if weeks:
        last = weeks[-1]
        summary = f"{active[last]} weekly active users of {seats[last]} licensed seats in the week of {last:%b %-d}."
    else:
        summary = "No usage history from Active is stored for this customer yet."
    return Chart(
        id="usage",
        title="Weekly active users",
        summary=summary,
        stacked=False,
        category="Week of",
        **date_axis(weeks),
        series=[
            Series(name="Weekly active users", key="active_users", values=wau, kind="line"),
            Series(name="Licensed seats", key="licensed", values=[float(seats[w]) for w in weeks], kind="line"),
        ],
        markers=_markers(events, index_of, wau),
    )
