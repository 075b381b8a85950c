"""The login throttle's counts, in the database so every API process shares them (api/throttle.py decides
what they mean). Each key is one account or one address."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import LoginFailure
from db.upsert import insert_ignore


async def blocked_until(session: AsyncSession, keys: tuple[str, ...], now: datetime) -> datetime | None:
    """The latest lockout of these keys still running, if any."""
    rows = await session.scalars(
        select(LoginFailure.blocked_until).where(LoginFailure.key.in_(keys), LoginFailure.blocked_until > now)
    )
    return max(rows, default=None)


async def count_failure(
    session: AsyncSession, key: str, now: datetime, forget_after: timedelta, lockout: Callable[[int], float]
) -> int:
    """One more failure for `key` (counting starts over once the last one is `forget_after` old and no lockout
    runs); sets its lockout from the new count. The increment is one UPDATE, so processes never lose a count."""
    await insert_ignore(session, LoginFailure, {"key": key, "count": 0, "last_at": now}, ["key"])
    stale = and_(
        LoginFailure.last_at < now - forget_after,
        or_(LoginFailure.blocked_until.is_(None), LoginFailure.blocked_until <= now),
    )
    await session.execute(
        update(LoginFailure)
        .where(LoginFailure.key == key)
        .values(count=case((stale, 1), else_=LoginFailure.count + 1), last_at=now)
    )
    count = int(await session.scalar(select(LoginFailure.count).where(LoginFailure.key == key)) or 0)
    seconds = lockout(count)
    if seconds > 0:
        until = now + timedelta(seconds=seconds)
        await session.execute(update(LoginFailure).where(LoginFailure.key == key).values(blocked_until=until))
    return count


async def clear(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginFailure).where(LoginFailure.key == key))


async def forget_old(session: AsyncSession, now: datetime, forget_after: timedelta) -> None:
    """Drop keys with nothing left to remember, so a flood of addresses does not grow the table for good."""
    await session.execute(
        delete(LoginFailure).where(
            LoginFailure.last_at < now - forget_after,
            or_(LoginFailure.blocked_until.is_(None), LoginFailure.blocked_until <= now),
        )
    )
