"""What agents did in the club's day so far, across runs, counted from the outbox: the numbers the agent
policy's daily limits (rules.policy) are held to. A run's workflow id names its agent (`agent-run-<id>...`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from contracts import ids
from db.models import OutboxEntry

MESSAGE_KINDS = ("message", "campaign", "payment_reminder")
DOOR_KINDS = ("door_lock", "door_unlock")
NOT_DONE = ("rejected", "failed")  # suppressed, opted out or failed: nobody received anything
_CHUNK = 500  # recipient ids per query (bound parameters)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _runs_of(agent_id: str) -> ColumnElement[bool]:
    prefix = ids.agent_run(agent_id)
    return or_(OutboxEntry.workflow_id == prefix, OutboxEntry.workflow_id.like(f"{_escape(prefix)}-%", escape="\\"))


def _today(since: datetime) -> list[ColumnElement[bool]]:
    return [OutboxEntry.created_at >= since, OutboxEntry.state.not_in(NOT_DONE)]


async def agent_counts(session: AsyncSession, agent_id: str, since: datetime) -> tuple[int, int]:
    """(door changes, messages) by this agent's runs since `since`."""
    rows = await session.execute(
        select(OutboxEntry.kind, func.count())
        .where(_runs_of(agent_id), OutboxEntry.kind.in_(DOOR_KINDS + MESSAGE_KINDS), *_today(since))
        .group_by(OutboxEntry.kind)
    )
    counts = {kind: int(n) for kind, n in rows.all()}
    return sum(counts.get(k, 0) for k in DOOR_KINDS), sum(counts.get(k, 0) for k in MESSAGE_KINDS)


async def member_messages(session: AsyncSession, recipients: list[str], since: datetime) -> dict[str, int]:
    """Messages every agent sent each of `recipients` since `since` (only those with any)."""
    found: dict[str, int] = {}
    unique = sorted(set(recipients))
    for i in range(0, len(unique), _CHUNK):
        rows = await session.execute(
            select(OutboxEntry.recipient, func.count())
            .where(
                OutboxEntry.workflow_id.like(f"{_escape(ids.agent_run(''))}%", escape="\\"),
                OutboxEntry.kind.in_(MESSAGE_KINDS),
                OutboxEntry.recipient.in_(unique[i : i + _CHUNK]),
                *_today(since),
            )
            .group_by(OutboxEntry.recipient)
        )
        found.update({str(r): int(n) for r, n in rows.all()})
    return found
