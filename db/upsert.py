"""INSERT ... ON CONFLICT for both SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, model: type[Any]) -> Any:
    """`INSERT` for a mapped class, in the dialect that knows ON CONFLICT."""
    return insert_for(session.get_bind().dialect.name, model)


def insert_for(name: str, model: Any) -> Any:
    """`INSERT` into a mapped class or a table, in the dialect `name`."""
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise RuntimeError(f"unsupported database dialect {name!r}")


@cache
def upsert_statement(
    dialect: str, model: type[Any], keys: tuple[str, ...], update: tuple[str, ...], *, unless_older: str | None = None
) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE the `update` columns; values are passed when executed.
    With `unless_older`, a row whose value in that column is newer than the incoming one is kept.
    Built once per shape: constructing ON CONFLICT statements costs more than running them."""
    stmt = insert_for(dialect, model)
    where = getattr(model, unless_older) <= stmt.excluded[unless_older] if unless_older else None
    return stmt.on_conflict_do_update(
        index_elements=list(keys), set_={k: stmt.excluded[k] for k in update}, where=where
    )


async def insert_ignore(session: AsyncSession, model: type[Any], values: dict[str, Any], keys: list[str]) -> bool:
    """Insert unless a row with the same keys exists; True when inserted."""
    stmt = dialect_insert(session, model).values(**values).on_conflict_do_nothing(index_elements=keys)
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))
