"""Activities waiting for an outside system that is down: recorded by the worker on each failed try, removed
when the call succeeds, read by the pages ("waiting for Salesforce since 10:42, next try 10:47")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DownstreamWait
from db.upsert import upsert_statement

# A row whose next try is this long past belongs to an activity nobody retries any more (its workflow was
# terminated or reset): not shown.
STALE = timedelta(minutes=15)
NAMES = {"salesforce": "Salesforce", "active": "Active", "clubos": "ClubOS", "smtp": "email (SMTP)"}


@dataclass
class SystemWait:
    system: str
    since: datetime
    next_try: datetime | None
    last_error: str
    waiting: int  # activities waiting for it

    @property
    def name(self) -> str:
        return NAMES.get(self.system, self.system)


async def waiting(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert, or update everything but `since` (the outage started at the first failed try)."""
    keys = ("workflow_id", "activity_id")
    update = tuple(k for k in values if k not in (*keys, "since"))
    stmt = upsert_statement(session.get_bind().dialect.name, DownstreamWait, keys, update)
    await session.execute(stmt, [values])


async def recovered(session: AsyncSession, workflow_id: str, activity_id: str) -> None:
    await session.execute(
        delete(DownstreamWait).where(
            DownstreamWait.workflow_id == workflow_id, DownstreamWait.activity_id == activity_id
        )
    )


async def by_system(
    session: AsyncSession, workflow_ids: list[str] | None = None, system: str | None = None
) -> list[SystemWait]:
    """One line per system with activities waiting (for these workflows, or all), oldest outage first."""
    q = select(DownstreamWait).where(DownstreamWait.updated_at >= datetime.now(UTC) - STALE)
    if workflow_ids is not None:
        q = q.where(DownstreamWait.workflow_id.in_(workflow_ids))
    if system is not None:
        q = q.where(DownstreamWait.system == system)
    found: dict[str, SystemWait] = {}
    for row in await session.scalars(q.order_by(DownstreamWait.updated_at)):
        w = found.setdefault(row.system, SystemWait(row.system, row.since, row.next_try, row.last_error, 0))
        w.since, w.last_error, w.waiting = min(w.since, row.since), row.last_error, w.waiting + 1
        if row.next_try is not None:
            w.next_try = min(w.next_try or row.next_try, row.next_try)
    return sorted(found.values(), key=lambda w: w.since)
