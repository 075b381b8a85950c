"""Risk signals that failed for good (bad data): recorded by the intelligence workflow, listed on the command
center, retried by a manager, resolved when a retry's analysis is stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FailedSignal
from db.models.base import utcnow
from db.upsert import upsert_statement


async def record(session: AsyncSession, event_id: str, customer_id: str, signal: dict[str, Any], reason: str) -> None:
    """Insert, or (a retry that failed again) update the reason and time, leaving it unresolved."""
    values = {
        "event_id": event_id,
        "customer_id": customer_id,
        "signal": signal,
        "reason": reason[:500],
        "failed_at": utcnow(),
        "retries": 0,
        "resolved_at": None,
    }
    stmt = upsert_statement(
        session.get_bind().dialect.name, FailedSignal, ("event_id",), ("reason", "failed_at", "resolved_at")
    )
    await session.execute(stmt, [values])


async def open_failures(session: AsyncSession, limit: int = 50) -> list[FailedSignal]:
    q = select(FailedSignal).where(FailedSignal.resolved_at.is_(None)).order_by(FailedSignal.failed_at.desc())
    return list(await session.scalars(q.limit(limit)))


async def retried(session: AsyncSession, event_id: str, by: str) -> None:
    await session.execute(
        update(FailedSignal)
        .where(FailedSignal.event_id == event_id)
        .values(retries=FailedSignal.retries + 1, retried_by=by)
    )


async def resolve(session: AsyncSession, event_id: str) -> None:
    await session.execute(
        update(FailedSignal)
        .where(FailedSignal.event_id == event_id, FailedSignal.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
