"""Storing ClubOS inbox messages as the sync and the push deliver them, a batch at a time.

A batch costs a fixed handful of statements whatever its size (which is new, the conversations it
touches, our own replies to link, one multi-row insert), not a few per message: under a burst of
pushes, or a 500-message page from the sync, the store held the inbox lock for one round trip per
query per message, and every other writer of the inbox waited behind it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import live, locks
from db.models import InboxConversation, InboxMessage
from db.models.base import utcnow
from db.upsert import dialect_insert

CHUNK = 500  # rows per statement: well inside SQLite's and PostgreSQL's limits on bound parameters


@dataclass(frozen=True)
class Synced:
    """A ClubOS inbox message, as the sync activity or the push hands it over."""

    clubos_id: str
    cursor: str
    conversation_id: str
    member_id: str
    member_name: str
    direction: str  # inbound / outbound
    channel: str
    subject: str | None
    body: str
    sent_at: datetime


async def store_synced(session: AsyncSession, messages: Sequence[Synced], *, history: bool = False) -> dict[str, int]:
    """Stores what is new; returns the newly stored member (inbound) messages, ClubOS id -> inbox id.
    `history`: the first import of old conversations, which nobody should answer now."""
    # Push and polling deliver the same messages concurrently; one writer at a time keeps
    # conversation rows and unread counts right.
    await locks.take(session, "inbox:store")
    first: dict[str, Synced] = {}
    for m in messages:  # a page or a push group may hold a message twice: its first copy counts
        first.setdefault(m.clubos_id, m)
    stored = await _existing(session, list(first))
    fresh = [m for m in first.values() if m.clubos_id not in stored]
    if not fresh:
        return {}
    convs = await _conversations(session, fresh)
    for m in fresh:  # ours linked below still moves the preview, as when it was sent
        conv = convs[m.conversation_id]
        if m.sent_at >= conv.last_message_at or not conv.last_message_preview:
            conv.last_message_at, conv.last_message_preview = m.sent_at, m.body[:300]
    linked = await _reconcile(session, [m for m in fresh if m.direction == "outbound"])
    rows = [_row(m, history) for m in fresh if m.clubos_id not in linked]
    new = await _insert(session, rows)
    inbound: dict[str, int] = {}
    for m in fresh:
        if m.clubos_id in new and m.direction == "inbound" and not history:
            convs[m.conversation_id].unread_count += 1
            inbound[m.clubos_id] = new[m.clubos_id]
            live.publish(session, "inbox", m.conversation_id, {"message_id": new[m.clubos_id], "direction": "incoming"})
    return inbound


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (items[i : i + CHUNK] for i in range(0, len(items), CHUNK))


async def _existing(session: AsyncSession, clubos_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(clubos_ids):
        query = select(InboxMessage.clubos_message_id).where(InboxMessage.clubos_message_id.in_(chunk))
        found.update(str(i) for i in await session.scalars(query))
    return found


async def _conversations(session: AsyncSession, messages: list[Synced]) -> dict[str, InboxConversation]:
    """The batch's conversations, the missing ones created from their first message."""
    wanted = list(dict.fromkeys(m.conversation_id for m in messages))
    convs: dict[str, InboxConversation] = {}
    for chunk in _chunks(wanted):
        query = select(InboxConversation).where(InboxConversation.id.in_(chunk))
        convs.update((c.id, c) for c in await session.scalars(query))
    created = False
    for m in messages:
        if m.conversation_id not in convs:
            convs[m.conversation_id] = InboxConversation(
                id=m.conversation_id,
                member_id=m.member_id,
                member_name=m.member_name,
                last_message_at=m.sent_at,
                last_message_preview="",
                tags=[],
                unread_count=0,
            )
            session.add(convs[m.conversation_id])
            created = True
    if created:
        await session.flush()  # the messages' foreign key wants them
    return convs


async def _reconcile(session: AsyncSession, outbound: list[Synced]) -> set[str]:
    """Our own replies (stored when we sent them) coming back from ClubOS: linked to the row we keep,
    oldest first, not stored twice. Returns the ClubOS ids linked."""
    if not outbound:
        return set()
    local: dict[tuple[str, str], list[InboxMessage]] = {}
    for chunk in _chunks(list({m.conversation_id for m in outbound})):
        query = (
            select(InboxMessage)
            .where(
                InboxMessage.conversation_id.in_(chunk),
                InboxMessage.clubos_message_id.is_(None),
                InboxMessage.direction == "outgoing",
            )
            .order_by(InboxMessage.id)
        )
        for row in await session.scalars(query):
            local.setdefault((row.conversation_id, row.content), []).append(row)
    linked: set[str] = set()
    for m in outbound:
        waiting = local.get((m.conversation_id, m.body))
        if waiting:
            row = waiting.pop(0)
            row.clubos_message_id, row.clubos_cursor = m.clubos_id, m.cursor
            linked.add(m.clubos_id)
    return linked


def _row(m: Synced, history: bool) -> dict[str, Any]:
    inbound = m.direction == "inbound"
    return {
        "conversation_id": m.conversation_id,
        "clubos_message_id": m.clubos_id,
        "clubos_cursor": m.cursor,
        "direction": "incoming" if inbound else "outgoing",
        "channel": m.channel,
        "subject": m.subject,
        "content": m.body,
        "from_member_id": m.member_id if inbound else None,
        "from_member_name": m.member_name if inbound else None,
        "sent_by": None if inbound else "clubos",
        "sent_at": m.sent_at,
        "received_at": utcnow(),
        "status": ("read" if history else "unread") if inbound else "replied",
        "triage_started": history,
    }


async def _insert(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING: ClubOS id -> new inbox id of each row inserted.
    Under the lock nobody else stores these ids; the conflict clause is the unique key's last word."""
    await session.flush()  # links made by _reconcile first, so the unique key sees them
    new: dict[str, int] = {}
    for chunk in _chunks(rows):
        stmt = (
            dialect_insert(session, InboxMessage)
            .values(list(chunk))
            .on_conflict_do_nothing(index_elements=["clubos_message_id"])
            .returning(InboxMessage.clubos_message_id, InboxMessage.id)
        )
        new.update((str(clubos_id), int(message_id)) for clubos_id, message_id in await session.execute(stmt))
    return new
