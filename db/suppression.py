"""The suppression list: who must not be messaged, on which channel. Checked
at send time by every sender (campaigns, inbox replies, nurture journeys)."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import Suppression
from db.upsert import insert_ignore
from rules import contacts


def normalise(contact: str) -> str:
    """Emails lower-cased; phone numbers reduced to + and digits (rules.contacts)."""
    return contacts.normalise(contact)


async def add(
    session: AsyncSession,
    *,
    contact: str,
    channel: str,
    reason: str,
    source: str,
    by: str,
    member_id: str | None = None,
) -> bool:
    created = await insert_ignore(
        session,
        Suppression,
        {
            "contact": normalise(contact),
            "channel": channel,
            "reason": reason,
            "source": source,
            "created_by": by,
            "member_id": member_id,
        },
        ["channel", "contact"],
    )
    if created:
        live.publish(session, "suppression", normalise(contact), {"channel": channel, "reason": reason})
    return created


async def remove(session: AsyncSession, suppression_id: int) -> bool:
    row = await session.get(Suppression, suppression_id)
    if row is None:
        return False
    await session.execute(delete(Suppression).where(Suppression.id == suppression_id))
    live.publish(session, "suppression", row.contact, {"removed": True, "channel": row.channel})
    return True


async def lift(session: AsyncSession, *, contact: str | None, member_id: str | None, channel: str) -> int:
    """A member's START on a channel: their entries for that channel go (an "all" entry, set by staff, stays)."""
    who = [Suppression.contact == normalise(contact)] if contact else []
    if member_id:
        who.append(Suppression.member_id == member_id)
    if not who:
        return 0
    rows = list(await session.scalars(select(Suppression).where(or_(*who), Suppression.channel == channel)))
    for row in rows:
        await remove(session, row.id)
    return len(rows)


async def is_suppressed(session: AsyncSession, contact: str | None, channel: str, member_id: str | None = None) -> bool:
    conditions = []
    if contact:
        conditions.append(Suppression.contact == normalise(contact))
    if member_id:
        conditions.append(Suppression.member_id == member_id)
    if not conditions:
        return False
    row = await session.scalar(
        select(Suppression.id).where(or_(*conditions), Suppression.channel.in_((channel, "all"))).limit(1)
    )
    return row is not None


async def listing(session: AsyncSession, limit: int = 500) -> list[Suppression]:
    return list(await session.scalars(select(Suppression).order_by(Suppression.created_at.desc()).limit(limit)))
