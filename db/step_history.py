"""workflow_step_history: the audit trail of completed steps, and analytics over it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import WorkflowInstance, WorkflowStepHistory
from db.upsert import insert_ignore


async def record(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Once per (workflow, definition, step): a retried activity adds nothing."""
    added = await insert_ignore(session, WorkflowStepHistory, values, ["workflow_id", "definition_id", "step_id"])
    if added:  # the customer page's charts mark the step
        workflow_id = values["workflow_id"]
        customer = await session.scalar(select(WorkflowInstance.customer_id).where(WorkflowInstance.id == workflow_id))
        if customer:
            live.publish(session, "customer", customer, {"workflow_id": workflow_id, "step": values["step_id"]})
    return added


async def for_workflow(session: AsyncSession, workflow_id: str) -> list[WorkflowStepHistory]:
    rows = await session.scalars(
        select(WorkflowStepHistory)
        .where(WorkflowStepHistory.workflow_id == workflow_id)
        .order_by(WorkflowStepHistory.completed_at)
    )
    return list(rows)


async def analytics(session: AsyncSession, since: datetime) -> dict[str, Any]:
    """Completed today, average duration per workflow type, outcome counts, step times."""
    done = WorkflowInstance.status == "completed"
    completed_today = await session.scalar(select(func.count()).where(done, WorkflowInstance.completed_at >= since))
    per_type = (
        await session.execute(
            select(WorkflowInstance.definition_id, func.count(), func.avg(WorkflowInstance.duration_s))
            .where(done)
            .group_by(WorkflowInstance.definition_id)
            .order_by(WorkflowInstance.definition_id)
        )
    ).all()
    outcomes = (
        await session.execute(
            select(WorkflowInstance.outcome_status, func.count())
            .where(done)
            .group_by(WorkflowInstance.outcome_status)
            .order_by(func.count().desc())
        )
    ).all()
    per_csm_today = (
        await session.execute(
            select(WorkflowInstance.assigned_to, func.count())
            .where(done, WorkflowInstance.completed_at >= since)
            .group_by(WorkflowInstance.assigned_to)
        )
    ).all()
    step_rows = (
        await session.execute(
            select(
                WorkflowStepHistory.definition_id,
                WorkflowStepHistory.step_name,
                func.count(),
                func.avg(WorkflowStepHistory.duration_s),
            )
            .group_by(WorkflowStepHistory.definition_id, WorkflowStepHistory.step_name)
            .order_by(WorkflowStepHistory.definition_id, WorkflowStepHistory.step_name)
        )
    ).all()
    closed = (
        await session.execute(
            select(WorkflowInstance.status, func.count())
            .where(WorkflowInstance.status.in_(("cancelled", "expired")))
            .group_by(WorkflowInstance.status)
        )
    ).all()
    return {
        "completed_today": int(completed_today or 0),
        "completed_total": sum(int(n) for _, n, _ in per_type),
        "by_type": [{"definition_id": d, "count": int(n), "avg_duration_s": float(a or 0)} for d, n, a in per_type],
        "outcomes": [{"outcome": o or "unknown", "count": int(n)} for o, n in outcomes],
        "completed_today_by_csm": {csm: int(n) for csm, n in per_csm_today},
        "steps": [
            {"definition_id": d, "step": s, "count": int(n), "avg_duration_s": float(a or 0)}
            for d, s, n, a in step_rows
        ],
        "closed": {status: int(n) for status, n in closed},
    }
