"""Trends for the analytics page and the command center, as charts (contracts/charts.py): renewals
completed per day and their outcomes by type and by CSM; agent runs per day and per agent by result,
LLM cost per day by agent against the daily budget, messages sent per day by channel. Pure aggregations;
days are UTC and bucketed here in Python, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.charts import Chart, Series
from db.day_series import count_per_day, daily_chart, date_axis, last_days, since, sum_per_day
from db.home import OUTCOME_GROUPS, age_chart, outcome_group, usd
from db.models import Agent, AgentRun, Approval, OutboxEntry, User, WorkflowInstance
from db.models.outbox import OUTBOX_STATES

RUN_RESULTS = ("succeeded", "failed", "killed", "budget_paused", "skipped", "waiting_approval", "running")
GROUPS = [*OUTCOME_GROUPS, "other"]
GROUP_NAMES = {**{k: name for k, (name, _) in OUTCOME_GROUPS.items()}, "other": "Other outcome"}


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _humanize(value: str) -> str:
    return value.replace("_", " ").replace("-", " ").capitalize()


async def completions_per_day(session: AsyncSession, today: date, days: int = 30) -> Chart:
    rows = (
        await session.execute(
            select(WorkflowInstance.completed_at, WorkflowInstance.definition_id).where(
                WorkflowInstance.status == "completed", WorkflowInstance.completed_at >= since(today, days)
            )
        )
    ).all()
    types = sorted({t for _, t in rows})
    counts = count_per_day([(at, t) for at, t in rows], last_days(today, days), types)
    total = sum(sum(v) for v in counts.values())
    return daily_chart(
        "completions-per-day",
        "Workflows completed per day",
        f"{total:.0f} workflows completed in the last {days} days.",
        last_days(today, days),
        [Series(name=_humanize(t), key=t, values=counts[t]) for t in types],
    )


async def _outcome_counts(session: AsyncSession, column: Any) -> dict[str, dict[str, int]]:
    rows = await session.execute(
        select(column, WorkflowInstance.outcome_status, func.count())
        .where(WorkflowInstance.status == "completed")
        .group_by(column, WorkflowInstance.outcome_status)
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for key, outcome, n in rows.all():
        counts[key][outcome_group(outcome)] += int(n)
    return counts


async def outcomes_per_type(session: AsyncSession) -> Chart:
    counts = await _outcome_counts(session, WorkflowInstance.definition_id)
    types = sorted(counts)
    renewed = sum(c["renewed"] for c in counts.values())
    return Chart(
        id="outcomes-per-type",
        title="Outcomes by workflow type",
        summary=f"{sum(sum(c.values()) for c in counts.values())} completed workflows; {renewed} renewed.",
        horizontal=True,
        category="Workflow type",
        labels=[_humanize(t) for t in types],
        keys=types,
        series=[Series(name=GROUP_NAMES[g], key=g, values=[counts[t][g] for t in types]) for g in GROUPS],
    )


async def outcomes_per_csm(session: AsyncSession) -> Chart:
    counts = await _outcome_counts(session, WorkflowInstance.assigned_to)
    names = dict((await session.execute(select(User.email, User.name))).all())
    emails = sorted(counts, key=lambda e: (-sum(counts[e].values()), names.get(e, e)))
    churned = max(emails, key=lambda e: counts[e]["churned"], default=None)
    worst = f"; most churned: {names.get(churned, churned)}" if churned and counts[churned]["churned"] else ""
    return Chart(
        id="outcomes-per-csm",
        title="Outcomes by CSM",
        summary=f"Completed workflows of {len(emails)} CSMs by outcome{worst}.",
        horizontal=True,
        category="CSM",
        labels=[names.get(e, e) for e in emails],
        keys=emails,
        series=[Series(name=GROUP_NAMES[g], key=g, values=[counts[e][g] for e in emails]) for g in GROUPS],
    )


async def _runs(session: AsyncSession, today: date, days: int) -> list[tuple[datetime, str, str, float]]:
    rows = await session.execute(
        select(AgentRun.started_at, AgentRun.agent_id, AgentRun.status, AgentRun.cost_usd).where(
            AgentRun.started_at >= since(today, days)
        )
    )
    return [(at, agent, status, float(cost or 0)) for at, agent, status, cost in rows.all()]


async def runs_per_day(session: AsyncSession, today: date, days: int = 14) -> Chart:
    runs = await _runs(session, today, days)
    results = [r for r in RUN_RESULTS if any(status == r for _, _, status, _ in runs)]
    counts = count_per_day([(at, status) for at, _, status, _ in runs], last_days(today, days), results)
    failed = sum(1 for _, _, status, _ in runs if status in ("failed", "killed"))
    return daily_chart(
        "runs-per-day",
        "Agent runs per day",
        f"{len(runs)} runs in the last {days} days; {failed} failed or killed.",
        last_days(today, days),
        [Series(name=_humanize(r), key=r, values=counts[r]) for r in results],
    )


async def runs_per_agent(session: AsyncSession, today: date, days: int = 14) -> Chart:
    runs = await _runs(session, today, days)
    agents = dict((await session.execute(select(Agent.id, Agent.name).order_by(Agent.name))).all())
    ids = sorted(agents, key=lambda a: agents[a])
    results = [r for r in RUN_RESULTS if any(status == r for _, _, status, _ in runs)]
    counts = {r: [float(sum(1 for _, a, s, _ in runs if a == agent and s == r)) for agent in ids] for r in results}
    return Chart(
        id="runs-per-agent",
        title="Runs by agent and result",
        summary=f"Runs of {len(ids)} agents in the last {days} days, by result.",
        horizontal=True,
        category="Agent",
        labels=[agents[a] for a in ids],
        keys=ids,
        series=[Series(name=_humanize(r), key=r, values=counts[r]) for r in results],
    )


async def cost_per_day(session: AsyncSession, today: date, budget: float | None, days: int = 14) -> Chart:
    runs = await _runs(session, today, days)
    agents = dict((await session.execute(select(Agent.id, Agent.name))).all())
    cost = sum_per_day([(at, agent, usd_) for at, agent, _, usd_ in runs if usd_], last_days(today, days))
    series = [
        Series(name=agents.get(a, a), key=a, values=[round(v, 4) for v in cost[a]])
        for a in sorted(cost, key=lambda a: agents.get(a, a))
    ]
    if budget is not None:
        series.append(Series(name="Daily budget", key="budget", values=[budget] * days, kind="line"))
    spent = sum(sum(v) for v in cost.values())
    over = sum(1 for i in range(days) if budget is not None and sum(v[i] for v in cost.values()) > budget)
    limit = "; no daily budget set"
    if budget is not None:
        limit = f"; over the {usd(budget)} budget on {over} of {days} days"
    return daily_chart(
        "cost-per-day",
        "LLM cost per day",
        f"${spent:.2f} spent in the last {days} days{limit}.",
        last_days(today, days),
        series,
        unit="usd",
    )


async def messages_per_channel(session: AsyncSession, today: date, days: int = 14) -> Chart:
    """Messages the outbox sent, by the day they went (their last change) and channel."""
    rows = (
        await session.execute(
            select(OutboxEntry.updated_at, OutboxEntry.channel).where(
                OutboxEntry.state == "sent",
                OutboxEntry.channel.is_not(None),
                OutboxEntry.updated_at >= since(today, days),
            )
        )
    ).all()
    channels = sorted({c for _, c in rows}) or ["sms", "email"]
    counts = count_per_day([(at, c) for at, c in rows], last_days(today, days), channels)
    per = ", ".join(f"{sum(counts[c]):.0f} by {c.upper() if c == 'sms' else c}" for c in channels)
    return daily_chart(
        "messages-per-channel",
        "Messages sent per day",
        f"Messages sent in the last {days} days: {per}.",
        last_days(today, days),
        [Series(name=c.upper() if c == "sms" else c.capitalize(), key=c, values=counts[c]) for c in channels],
    )


async def duration_per_type(session: AsyncSession, today: date, weeks: int = 12) -> Chart:
    """Average hours from start to completion per workflow type, per week (a gap where none completed)."""
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    rows = await session.execute(
        select(WorkflowInstance.completed_at, WorkflowInstance.definition_id, WorkflowInstance.duration_s).where(
            WorkflowInstance.status == "completed",
            WorkflowInstance.completed_at >= datetime.combine(first, time.min, tzinfo=UTC),
            WorkflowInstance.duration_s.is_not(None),
        )
    )
    sums: dict[str, list[list[float]]] = defaultdict(lambda: [[] for _ in range(weeks)])
    for at, kind, seconds in rows.all():
        week = (at.astimezone(UTC).date() - first).days // 7
        if 0 <= week < weeks:
            sums[kind][week].append(seconds / 3600)
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    series = [
        Series(name=_humanize(kind), key=kind, kind="line", values=[_mean(v) for v in per_week])
        for kind, per_week in sorted(sums.items())
    ]
    return Chart(
        id="duration-per-type",
        title="Average duration by type, per week",
        summary=f"Hours from start to completion, averaged per week, for {len(series)} workflow types.",
        stacked=False,
        unit="hours",
        category="Week of",
        **date_axis(mondays),
        series=series,
    )


async def outbox_per_state(session: AsyncSession, today: date, days: int = 14) -> Chart:
    """Outbound side effects queued each day, by the state they are in now."""
    rows = (
        await session.execute(
            select(OutboxEntry.created_at, OutboxEntry.state).where(OutboxEntry.created_at >= since(today, days))
        )
    ).all()
    counts = count_per_day([(at, s) for at, s in rows], last_days(today, days), list(OUTBOX_STATES))
    stuck = sum(1 for _, s in rows if s in ("failed", "rejected"))
    return daily_chart(
        "outbox-per-state",
        "Outbox throughput by state",
        f"{len(rows)} outbound actions in the last {days} days; {stuck} failed or rejected.",
        last_days(today, days),
        [Series(name=_humanize(s), key=s, values=counts[s]) for s in OUTBOX_STATES if any(counts[s])],
    )


async def approval_waits(session: AsyncSession, today: date, days: int = 14) -> Chart:
    """How long decided approvals waited for their decision (or expiry), by outcome."""
    rows = (
        await session.execute(
            select(Approval.status, Approval.requested_at, Approval.decided_at).where(
                Approval.status != "pending", Approval.decided_at >= since(today, days)
            )
        )
    ).all()
    outcomes = sorted({status for status, _, _ in rows})
    return age_chart(
        id="approval-waits",
        title="Approval wait times",
        summary=f"{len(rows)} approvals decided or expired in the last {days} days, by how long they waited.",
        category="Waited",
        groups={o: _humanize(o) for o in outcomes},
        ages=[(status, decided - requested) for status, requested, decided in rows],
    )
