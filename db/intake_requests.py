"""Lead intakes answered under an idempotency key (`Idempotency-Key` or `request_id`): the answer is kept, so
a retried POST gets it back instead of creating or enrolling anything again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import IntakeRequest
from db.models.base import utcnow
from db.upsert import insert_ignore

KEEP = timedelta(days=7)  # senders retry within hours; a week covers any retry schedule


class KeyReused(ValueError):
    """The key was used before for another body."""


async def answered(session: AsyncSession, key: str, body_sha256: str) -> dict[str, Any] | None:
    row = await session.get(IntakeRequest, key)
    if row is None:
        return None
    if row.body_sha256 != body_sha256:
        raise KeyReused(f"Idempotency-Key {key!r} was already used for another lead")
    return dict(row.response)


async def remember(session: AsyncSession, key: str, body_sha256: str, response: dict[str, Any]) -> None:
    await session.execute(delete(IntakeRequest).where(IntakeRequest.created_at < utcnow() - KEEP))
    await insert_ignore(session, IntakeRequest, {"key": key, "body_sha256": body_sha256, "response": response}, ["key"])
