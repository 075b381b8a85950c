"""The live feed: rows appended in the same transaction as the change they
announce; the API tails the table and pushes them to browsers (SSE)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import LiveEvent


def publish(session: AsyncSession, topic: str, ref: str, payload: dict[str, Any] | None = None) -> None:
    session.add(LiveEvent(topic=topic, ref=ref, payload=payload or {}))


async def publish_all(session: AsyncSession, topic: str, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Many events of one topic, (ref, payload) each, in one statement: the ORM would insert them one by one."""
    if events:
        rows = [{"topic": topic, "ref": ref, "payload": payload} for ref, payload in events]
        await session.execute(insert(cast(Table, LiveEvent.__table__)), rows)


async def since(session: AsyncSession, after_id: int, limit: int = 500) -> list[LiveEvent]:
    rows = await session.scalars(select(LiveEvent).where(LiveEvent.id > after_id).order_by(LiveEvent.id).limit(limit))
    return list(rows)


async def last_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(LiveEvent.id))) or 0)
