"""The outbox: one row per outbound side effect, keyed by an idempotency key.

`send_once` is how activities perform a side effect: a second call with the same
key (an activity retry, a replay after a worker crash) returns the recorded
result instead of acting again. The downstream call also carries the key (an
external id or an Idempotency-Key header), which covers the window between a
successful send and recording it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.engine import Database
from db.models import OutboxEntry
from db.models.base import utcnow
from db.upsert import insert_ignore


async def enqueue(
    db: Database,
    *,
    key: str,
    kind: str,
    target: str,
    payload: dict[str, Any],
    workflow_id: str | None,
    state: str = "queued",
    channel: str | None = None,
    approval_id: str | None = None,
    recipient: str | None = None,
) -> OutboxEntry:
    async with db.transaction() as session:
        await insert_ignore(
            session,
            OutboxEntry,
            {
                "idempotency_key": key,
                "kind": kind,
                "target": target,
                "payload": payload,
                "workflow_id": workflow_id,
                "state": state,
                "channel": channel,
                "approval_id": approval_id,
                "recipient": recipient,
            },
            ["idempotency_key"],
        )
        entry = await session.scalar(select(OutboxEntry).where(OutboxEntry.idempotency_key == key))
        assert entry is not None
        return entry


async def reserve(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    target: str,
    payload: dict[str, Any],
    workflow_id: str | None,
    channel: str | None,
    recipient: str | None,
) -> None:
    """Claims the key inside the caller's transaction (used under a lock with a frequency check)."""
    await insert_ignore(
        session,
        OutboxEntry,
        {
            "idempotency_key": key,
            "kind": kind,
            "target": target,
            "payload": payload,
            "workflow_id": workflow_id,
            "state": "approved",
            "channel": channel,
            "recipient": recipient,
        },
        ["idempotency_key"],
    )


async def get(db: Database, key: str) -> OutboxEntry | None:
    async with db.session() as session:
        return await session.scalar(select(OutboxEntry).where(OutboxEntry.idempotency_key == key))


async def sent_times(session: AsyncSession, recipient: str, kinds: tuple[str, ...], since: datetime) -> list[datetime]:
    rows = await session.scalars(
        select(OutboxEntry.created_at).where(
            OutboxEntry.recipient == recipient,
            OutboxEntry.kind.in_(kinds),
            OutboxEntry.state.in_(("approved", "sent")),
            OutboxEntry.created_at >= since,
        )
    )
    return list(rows)


async def count_attempt(db: Database, key: str) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.idempotency_key == key)
            .values(attempts=OutboxEntry.attempts + 1, updated_at=utcnow())
        )


async def set_state(
    db: Database, key: str, state: str, *, result: dict[str, Any] | None = None, error: str | None = None
) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.idempotency_key == key)
            .values(state=state, result=result, error=error, updated_at=utcnow())
        )
        live.publish(session, "outbox", key, {"state": state})


async def send_once(
    db: Database,
    *,
    key: str,
    kind: str,
    target: str,
    payload: dict[str, Any],
    workflow_id: str | None,
    send: Callable[[], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    entry = await enqueue(
        db, key=key, kind=kind, target=target, payload=payload, workflow_id=workflow_id, state="approved"
    )
    if entry.state == "sent" and entry.result is not None:
        return entry.result
    await count_attempt(db, key)
    try:
        result = await send()
    except Exception as exc:
        await set_state(db, key, "approved", error=f"{type(exc).__name__}: {exc}")
        raise
    await set_state(db, key, "sent", result=result)
    return result


async def recently_messaged(db: Database, recipients: list[str], kinds: tuple[str, ...], since: datetime) -> set[str]:
    """Which of these members/prospects got a message of these kinds since `since`
    (sent or still on its way): the frequency window for proactive outreach."""
    if not recipients:
        return set()
    async with db.session() as session:
        rows = await session.scalars(
            select(OutboxEntry.recipient).where(
                OutboxEntry.recipient.in_(recipients),
                OutboxEntry.kind.in_(kinds),
                OutboxEntry.state.in_(("approved", "sent")),
                OutboxEntry.created_at >= since,
            )
        )
        return {r for r in rows if r}
