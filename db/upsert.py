"""INSERT ... ON CONFLICT for both SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, model: type[Any]) -> Any:
    """`INSERT` for a mapped class, in the dialect that knows ON CONFLICT."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise RuntimeError(f"unsupported database dialect {name!r}")


async def insert_ignore(session: AsyncSession, model: type[Any], values: dict[str, Any], keys: list[str]) -> bool:
    """Insert unless a row with the same keys exists; True when inserted."""
    stmt = dialect_insert(session, model).values(**values).on_conflict_do_nothing(index_elements=keys)
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))
