"""The `workflow_instances` projection: written by renewal workflows, read by the
queue, manager and analytics pages (which never scan Temporal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import User, WorkflowInstance
from db.queue_filters import QueueFilter
from db.upsert import dialect_insert
from rules import scoring
from rules.queue_order import STAGE_ORDER, URGENT_STAGES

OPEN = ("pending", "in_progress")


async def upsert(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Write a projection row unless a newer one (higher seq) is already there."""
    weight = scoring.stored_weight({"score": values.get("priority_score", 0), **(values.get("priority_factors") or {})})
    values = {**values, "priority_weight": weight}
    before = (
        await session.execute(
            select(WorkflowInstance.assigned_to, WorkflowInstance.stage).where(WorkflowInstance.id == values["id"])
        )
    ).first()
    stmt = dialect_insert(session, WorkflowInstance).values(**values, updated_at=func.now())
    update = {k: stmt.excluded[k] for k in values if k not in ("id", "created_at")}
    update["updated_at"] = func.now()
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"], set_=update, where=WorkflowInstance.seq < stmt.excluded.seq
    )
    written = bool(getattr((await session.execute(stmt)), "rowcount", 0))
    if written:
        _announce(session, values, before)
    if written and values.get("status") == "completed":  # the customer page's charts mark the outcome
        live.publish(session, "customer", values["customer_id"], {"workflow_id": values["id"], "status": "completed"})
    return written


def _announce(session: AsyncSession, values: dict[str, Any], before: Any) -> None:
    """Topic `renewal`: queues, Team and All renewals re-order themselves (created, re-scored, reassigned,
    closed). `csms` names whose queue it touches (the owner, and the previous one after a reassign): a CSM
    receives only those (api/access.py); an Emergency new to its CSM (created, escalated, reassigned) is toasted."""
    owner, stage, status = values.get("assigned_to", ""), values.get("stage", ""), values.get("status", "")
    opened = status in OPEN
    live.publish(
        session,
        "renewal",
        values["id"],
        {
            "workflow_id": values["id"],
            "customer_name": values.get("customer_name", ""),
            "stage": stage,
            "status": status,
            "assigned_to": owner,
            "csms": sorted({owner, before.assigned_to} if before else {owner}),
            "new_emergency": opened
            and stage == "Emergency"
            and (before is None or before.stage != "Emergency" or before.assigned_to != owner),
        },
    )


async def get(session: AsyncSession, workflow_id: str) -> WorkflowInstance | None:
    return await session.get(WorkflowInstance, workflow_id)


def _open_loads(csm_email: str | None) -> Any:
    """Open renewals per CSM: the workload term of every score is the CSM's load now."""
    q = select(WorkflowInstance.assigned_to.label("csm"), func.count().label("n")).where(
        WorkflowInstance.status.in_(OPEN)
    )
    if csm_email:
        q = q.where(WorkflowInstance.assigned_to == csm_email)
    return q.group_by(WorkflowInstance.assigned_to).subquery()


def _ordered(q: Select[Any], loads: Any, filters: QueueFilter | None = None) -> Select[Any]:
    """Urgency first (rules.queue_order), then the renewal due first, then the live score; a column the
    view sorts by (filters.sort) comes before them, and they break its ties."""
    rank = case({stage: i for i, stage in enumerate(STAGE_ORDER)}, value=WorkflowInstance.stage, else_=len(STAGE_ORDER))
    live: ColumnElement[int] = WorkflowInstance.priority_weight - scoring.WORKLOAD_PENALTY_PER_WORKFLOW * (
        loads.c.n - 1
    )
    first = filters.order(rank, live) if filters else []
    return q.order_by(*first, rank, WorkflowInstance.renewal_date, live.desc(), WorkflowInstance.id)


def _rescored(rows: list[Any], session: AsyncSession) -> list[WorkflowInstance]:
    """The rows with their score and factors as of now; detached, so nothing is written back."""
    out = []
    for row, n in rows:
        session.expunge(row)
        factors = scoring.live({**row.priority_factors, "weight": row.priority_weight}, int(n))
        row.priority_score = factors.score
        row.priority_factors = {**factors.as_dict(), "explanation": factors.explain()}
        out.append(row)
    return out


async def queue(
    session: AsyncSession,
    csm_email: str | None,
    *,
    limit: int = 100,
    offset: int = 0,
    stage: str | None = None,
    stages: tuple[str, ...] | None = None,
    filters: QueueFilter | None = None,
) -> list[WorkflowInstance]:
    """Open renewals, most urgent first (a CSM's, or everyone's), scored with each CSM's load now."""
    loads = _open_loads(csm_email)
    q = (
        select(WorkflowInstance, loads.c.n)
        .join(loads, loads.c.csm == WorkflowInstance.assigned_to)
        .where(WorkflowInstance.status.in_(OPEN))
    )
    if csm_email:
        q = q.where(WorkflowInstance.assigned_to == csm_email)
    if stage:
        q = q.where(WorkflowInstance.stage == stage)
    if stages:
        q = q.where(WorkflowInstance.stage.in_(stages))
    if filters:
        q = filters.apply(q)
    rows = list((await session.execute(_ordered(q, loads, filters).limit(limit).offset(offset))).all())
    return _rescored(rows, session)


async def urgent(
    session: AsyncSession, limit: int = 1000, filters: QueueFilter | None = None, csm_email: str | None = None
) -> list[WorkflowInstance]:
    """Every CSM's Emergency and Critical renewals (the manager's Team page), most urgent first."""
    return await queue(session, csm_email, limit=limit, stages=URGENT_STAGES, filters=filters)


async def queue_stats(session: AsyncSession, csm_email: str | None, since: datetime) -> dict[str, int]:
    base = select(WorkflowInstance.status, func.count()).group_by(WorkflowInstance.status)
    if csm_email:
        base = base.where(WorkflowInstance.assigned_to == csm_email)
    counts = dict((await session.execute(base)).all())
    done = select(func.count()).where(WorkflowInstance.status == "completed", WorkflowInstance.completed_at >= since)
    if csm_email:
        done = done.where(WorkflowInstance.assigned_to == csm_email)
    return {
        "pending": counts.get("pending", 0),
        "in_progress": counts.get("in_progress", 0),
        "open": counts.get("pending", 0) + counts.get("in_progress", 0),
        "completed_today": int(await session.scalar(done) or 0),
    }


async def open_counts_by_csm(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(WorkflowInstance.assigned_to, func.count())
        .where(WorkflowInstance.status.in_(OPEN))
        .group_by(WorkflowInstance.assigned_to)
    )
    return {email: int(n) for email, n in rows.all()}


async def live_scores(session: AsyncSession, rows: list[WorkflowInstance]) -> dict[str, int]:
    """The score each open renewal has now, as its queue shows it (the CSM's load now); closed ones have none."""
    loads = await open_counts_by_csm(session)
    return {
        r.id: scoring.live({**r.priority_factors, "weight": r.priority_weight}, loads.get(r.assigned_to, 1)).score
        for r in rows
        if r.status in OPEN
    }


async def open_renewal(session: AsyncSession, customer_id: str, renewal_date: date) -> WorkflowInstance | None:
    return await session.scalar(
        select(WorkflowInstance).where(
            WorkflowInstance.customer_id == customer_id,
            WorkflowInstance.renewal_date == renewal_date,
            WorkflowInstance.status.in_(OPEN),
        )
    )


async def open_for_customer(session: AsyncSession, customer_id: str) -> list[WorkflowInstance]:
    """A customer's open renewals, whatever their date (one, except while a moved date supersedes one)."""
    q = select(WorkflowInstance).where(WorkflowInstance.customer_id == customer_id, WorkflowInstance.status.in_(OPEN))
    return list(await session.scalars(q))


async def next_in_queue(session: AsyncSession, csm_email: str, exclude: str) -> WorkflowInstance | None:
    rows = await queue(session, csm_email, limit=2)
    return next((r for r in rows if r.id != exclude), None)


@dataclass(frozen=True)
class CsmLoad:
    email: str
    name: str
    experience: str
    open: int
    in_progress: int
    top_score: int


async def team_load(session: AsyncSession) -> list[CsmLoad]:
    counts = await session.execute(
        select(
            WorkflowInstance.assigned_to,
            func.count(),
            func.sum(case((WorkflowInstance.status == "in_progress", 1), else_=0)),
            func.max(WorkflowInstance.priority_weight),
        )
        .where(WorkflowInstance.status.in_(OPEN))
        .group_by(WorkflowInstance.assigned_to)
    )
    by_email = {row[0]: row for row in counts.all()}
    csms = await session.scalars(select(User).where(User.role == "csm", User.active.is_(True)).order_by(User.name))
    loads = []
    for user in csms:
        row = by_email.get(user.email)
        loads.append(
            CsmLoad(
                user.email,
                user.name,
                user.experience or "mid",
                int(row[1]) if row else 0,
                int(row[2] or 0) if row else 0,
                scoring.live({"weight": int(row[3] or 0)}, int(row[1])).score if row else 0,
            )
        )
    return loads
