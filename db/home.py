"""The manager home's figures: pure aggregations over the renewal projection and the approvals
queue, each answered as a chart (contracts/charts.py). Dates and times come in as arguments so
tests pin them; bucketing by week or age happens here in Python, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.charts import Chart, Series
from db import renewal_projection
from db.models import Approval, WorkflowInstance

STAGES = ("Emergency", "Critical", "Prepare", "Monitor")
OPEN = renewal_projection.OPEN
# Risk bands of an open renewal's score: above 70 is the determination rule's "high risk" line.
RISK_BANDS = (("high", "Risk above 70"), ("medium", "Risk 41–70"), ("low", "Risk 40 or less"))
WINDOWS = (7, 30, 90)
# The definitions' outcomes, grouped as a manager reads them (definitions/*/*.yaml).
OUTCOME_GROUPS = {
    "renewed": ("Renewed", {"renewed", "renewed_with_concession", "short_extension"}),
    "expanded": ("Expanded", {"expansion_identified"}),
    "churned": ("Churned", {"churned"}),
}
AGE_BUCKETS = (
    ("1h", "Under 1 hour", 1),
    ("4h", "1–4 hours", 4),
    ("24h", "4–24 hours", 24),
    ("older", "Over a day", None),
)
APPROVAL_KINDS = ("campaign", "renewal", "inbox", "schedule", "nurture")


def usd(amount: float) -> str:
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:.1f}M"
    if amount >= 1000:
        return f"${amount / 1000:.0f}k"
    return f"${amount:.0f}" if amount >= 100 else f"${amount:.2f}"


async def arr_at_risk(session: AsyncSession) -> Chart:
    """ARR of open renewals by stage, split by risk band."""
    band = case((WorkflowInstance.risk_score > 70, "high"), (WorkflowInstance.risk_score > 40, "medium"), else_="low")
    rows = await session.execute(
        select(WorkflowInstance.stage, band, func.sum(WorkflowInstance.arr))
        .where(WorkflowInstance.status.in_(OPEN))
        .group_by(WorkflowInstance.stage, band)
    )
    totals = {(stage, b): float(arr or 0) for stage, b, arr in rows.all()}
    series = [
        Series(name=name, key=key, values=[totals.get((stage, key), 0.0) for stage in STAGES])
        for key, name in RISK_BANDS
    ]
    total = sum(totals.values())
    high = sum(v for (_, b), v in totals.items() if b == "high")
    return Chart(
        id="arr-at-risk",
        title="ARR at risk by stage",
        summary=f"{usd(total)} ARR in open renewals; {usd(high)} of it with a risk score above 70.",
        unit="usd",
        category="Stage",
        labels=list(STAGES),
        keys=list(STAGES),
        series=series,
    )


async def renewals_due(session: AsyncSession, today: date) -> Chart:
    """Open renewals due in the next 7, 30 and 90 days (each window includes the shorter ones), by stage."""
    due = WorkflowInstance.renewal_date
    columns = [func.sum(case((due <= today + timedelta(days=n), 1), else_=0)) for n in WINDOWS]
    rows = await session.execute(
        select(WorkflowInstance.stage, *columns)
        .where(WorkflowInstance.status.in_(OPEN), due >= today)
        .group_by(WorkflowInstance.stage)
    )
    counts = {stage: [int(n or 0) for n in ns] for stage, *ns in rows.all()}
    series = [Series(name=s, key=s, values=counts.get(s, [0, 0, 0])) for s in STAGES]
    per_window = [sum(c[i] for c in counts.values()) for i in range(len(WINDOWS))]
    return Chart(
        id="renewals-due",
        title="Renewals due",
        summary="Open renewals due in the next 7 days: {}; 30 days: {}; 90 days: {}.".format(*per_window),
        category="Due within",
        labels=[f"{n} days" for n in WINDOWS],
        keys=[str(n) for n in WINDOWS],
        series=series,
    )


async def csm_load(session: AsyncSession, capacity: int) -> Chart:
    """Open renewals per active CSM, the part above capacity apart."""
    loads = sorted(await renewal_projection.team_load(session), key=lambda load: (-load.open, load.name))
    over = [load for load in loads if load.open > capacity]
    return Chart(
        id="csm-load",
        title="CSM load against capacity",
        summary=f"{len(over)} of {len(loads)} CSMs carry more than their capacity of {capacity} open renewals.",
        horizontal=True,
        category="CSM",
        labels=[load.name for load in loads],
        keys=[load.email for load in loads],
        series=[
            Series(name="Within capacity", key="within", values=[min(load.open, capacity) for load in loads]),
            Series(name="Over capacity", key="over", values=[max(0, load.open - capacity) for load in loads]),
        ],
    )


def outcome_group(outcome: str | None) -> str:
    return next((key for key, (_, members) in OUTCOME_GROUPS.items() if outcome in members), "other")


async def completed_per_week(session: AsyncSession, today: date, weeks: int = 12) -> Chart:
    """Renewals completed in each of the last `weeks` weeks (Monday to Sunday), by outcome group."""
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    since = datetime.combine(first, time.min, tzinfo=UTC)
    rows = await session.execute(
        select(WorkflowInstance.completed_at, WorkflowInstance.outcome_status).where(
            WorkflowInstance.status == "completed", WorkflowInstance.completed_at >= since
        )
    )
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    groups = [*OUTCOME_GROUPS, "other"]
    counts = {g: [0] * weeks for g in groups}
    for completed_at, outcome in rows.all():
        index = (completed_at.date() - first).days // 7
        if 0 <= index < weeks:
            counts[outcome_group(outcome)][index] += 1
    totals = {g: sum(v) for g, v in counts.items()}
    names = {**{k: name for k, (name, _) in OUTCOME_GROUPS.items()}, "other": "Other outcome"}
    return Chart(
        id="completed-weekly",
        title="Renewals completed per week",
        summary=(
            f"{sum(totals.values())} completed in the last {weeks} weeks: {totals['renewed']} renewed, "
            f"{totals['expanded']} expanded, {totals['churned']} churned, {totals['other']} other."
        ),
        category="Week of",
        labels=[m.strftime("%b %-d") for m in mondays],
        keys=[m.isoformat() for m in mondays],
        series=[Series(name=names[g], key=g, values=counts[g]) for g in groups],
    )


def age_bucket(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return next(key for key, _, limit in AGE_BUCKETS if limit is None or hours < limit)


async def approvals_waiting(session: AsyncSession, now: datetime) -> Chart:
    """Pending approvals by how long they have waited, per workflow kind."""
    rows = (
        await session.execute(select(Approval.workflow_kind, Approval.requested_at).where(Approval.status == "pending"))
    ).all()
    present = {kind for kind, _ in rows}
    kinds = [k for k in APPROVAL_KINDS if k in present] + sorted(present - set(APPROVAL_KINDS))
    oldest = max((now - requested_at for _, requested_at in rows), default=None)
    waited = f"; the oldest has waited {_age_text(oldest)}" if oldest is not None else ""
    return age_chart(
        id="approvals-waiting",
        title="Approvals waiting, by age",
        summary=f"{len(rows)} approvals waiting for a manager{waited}.",
        category="Waiting",
        groups={k: k.capitalize() for k in kinds},
        ages=[(kind, now - requested_at) for kind, requested_at in rows],
    )


def age_chart(
    *, id: str, title: str, summary: str, category: str, groups: dict[str, str], ages: list[tuple[str, timedelta]]
) -> Chart:
    """How many of each group (key -> series name, in order) fall in each age bucket."""
    counts = {g: dict.fromkeys((key for key, _, _ in AGE_BUCKETS), 0) for g in groups}
    for group, age in ages:
        counts[group][age_bucket(age)] += 1
    return Chart(
        id=id,
        title=title,
        summary=summary,
        category=category,
        labels=[label for _, label, _ in AGE_BUCKETS],
        keys=[key for key, _, _ in AGE_BUCKETS],
        series=[
            Series(name=name, key=g, values=[counts[g][key] for key, _, _ in AGE_BUCKETS]) for g, name in groups.items()
        ],
    )


def _age_text(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    if hours >= 24:
        return f"{hours / 24:.1f} days"
    return f"{hours:.1f} hours" if hours >= 1 else f"{int(age.total_seconds() // 60)} minutes"
