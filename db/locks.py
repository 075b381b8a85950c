"""Transaction-scoped named locks that work on SQLite and PostgreSQL alike.

Writing the lock's row takes PostgreSQL's row lock (held to commit) and
SQLite's single write lock (likewise), so every process serialises on it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AppLock
from db.models.base import utcnow
from db.upsert import dialect_insert


async def take(session: AsyncSession, name: str) -> None:
    stmt = dialect_insert(session, AppLock).values(name=name, taken_at=utcnow())
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["name"], set_={"taken_at": stmt.excluded.taken_at})
    )
