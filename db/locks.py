"""Transaction-scoped named locks that work on SQLite and PostgreSQL alike.

Writing the lock's row takes PostgreSQL's row lock (held to commit) and
SQLite's single write lock (likewise), so every process serialises on it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AppLock
from db.models.base import utcnow
from db.upsert import upsert_statement


async def take(session: AsyncSession, name: str) -> None:
    stmt = upsert_statement(session.get_bind().dialect.name, AppLock, ("name",), ("taken_at",))
    await session.execute(stmt, {"name": name, "taken_at": utcnow()})
