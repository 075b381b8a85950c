"""What the API's metrics endpoint reads from the database at each scrape: pending approvals (how many,
how old) and the outbox by state and channel. Two grouped queries; cheap enough for a 15 s scrape."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from db.engine import Database
from db.models import Approval, OutboxEntry


async def approvals_pending(db: Database) -> dict[str, tuple[int, float]]:
    """kind -> (pending, age in seconds of the oldest)."""
    now = datetime.now(UTC)
    query = (
        select(Approval.workflow_kind, func.count(), func.min(Approval.requested_at))
        .where(Approval.status == "pending")
        .group_by(Approval.workflow_kind)
    )
    async with db.session() as session:
        rows = (await session.execute(query)).all()
    result = {}
    for kind, count, oldest in rows:
        oldest = oldest.replace(tzinfo=UTC) if oldest.tzinfo is None else oldest  # SQLite returns naive UTC
        result[kind] = (int(count), max(0.0, (now - oldest).total_seconds()))
    return result


async def outbox_by_state(db: Database) -> dict[tuple[str, str], int]:
    """(state, channel or 'none') -> entries."""
    query = select(OutboxEntry.state, OutboxEntry.channel, func.count()).group_by(
        OutboxEntry.state, OutboxEntry.channel
    )
    async with db.session() as session:
        rows = (await session.execute(query)).all()
    return {(state, channel or "none"): int(count) for state, channel, count in rows}
