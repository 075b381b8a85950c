"""Storing ClubOS inbox messages as the sync and the push deliver them, a batch at a time.

A batch costs a fixed handful of statements whatever its size (which is new, the conversations it
touches, our own replies to link, then one insert of the messages, one update of the conversations and
one insert of their live events), not a few per message: under a burst of pushes, or a 500-message page
from the sync, the store held the inbox lock for one round trip per query per message, and every other
writer of the inbox waited behind it. They are Core statements run with many rows, built once: the ORM
sent one UPDATE per conversation and one INSERT per live event on SQLite, and compiling a multi-row
VALUES statement per batch cost more than running it (300 messages: 125 ms of the event loop's time
before, 15 ms now)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import live, locks
from db.models import InboxConversation, InboxMessage
from db.models.base import utcnow
from db.upsert import insert_for

MESSAGES = cast(Table, InboxMessage.__table__)  # Core statements: no ORM bookkeeping per row
CONVERSATIONS = cast(Table, InboxConversation.__table__)
CHUNK = 500  # ids per IN (...): well inside SQLite's and PostgreSQL's limits on bound parameters


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
        if m.sent_at >= conv.last_at or not conv.preview:
            conv.last_at, conv.preview, conv.touched = m.sent_at, m.body[:300], True
    linked = await _reconcile(session, [m for m in fresh if m.direction == "outbound"])
    rows = [_row(m, history) for m in fresh if m.clubos_id not in linked]
    new = await _insert(session, rows)
    inbound: dict[str, int] = {}
    events = []
    for m in fresh:
        if m.clubos_id in new and m.direction == "inbound" and not history:
            convs[m.conversation_id].unread += 1
            inbound[m.clubos_id] = new[m.clubos_id]
            events.append((m.conversation_id, {"message_id": new[m.clubos_id], "direction": "incoming"}))
    await _save(session, convs)
    await live.publish_all(session, "inbox", events)
    return inbound


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (items[i : i + CHUNK] for i in range(0, len(items), CHUNK))


async def _existing(session: AsyncSession, clubos_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(clubos_ids):
        query = select(InboxMessage.clubos_message_id).where(InboxMessage.clubos_message_id.in_(chunk))
        found.update(str(i) for i in await session.scalars(query))
    return found


@dataclass
class _Conversation:
    """What the batch reads and changes of a conversation: plain values, written back in one statement."""

    last_at: datetime
    preview: str
    unread: int = 0  # new member messages this batch adds
    touched: bool = False


async def _conversations(session: AsyncSession, messages: list[Synced]) -> dict[str, _Conversation]:
    """The batch's conversations, the missing ones created from their first message."""
    wanted = list(dict.fromkeys(m.conversation_id for m in messages))
    convs: dict[str, _Conversation] = {}
    c = InboxConversation
    for chunk in _chunks(wanted):
        query = select(c.id, c.last_message_at, c.last_message_preview).where(c.id.in_(chunk))
        convs.update((cid, _Conversation(at, preview)) for cid, at, preview in await session.execute(query))
    missing: dict[str, dict[str, Any]] = {}
    for m in messages:
        if m.conversation_id not in convs:
            convs[m.conversation_id] = _Conversation(m.sent_at, "")
            missing[m.conversation_id] = {
                "id": m.conversation_id,
                "member_id": m.member_id,
                "member_name": m.member_name,
                "last_message_at": m.sent_at,
                "last_message_preview": "",
                "tags": [],
                "unread_count": 0,
            }
    if missing:  # before the messages: their foreign key wants them
        await session.execute(insert(CONVERSATIONS), list(missing.values()))
    return convs


_SAVE = (
    update(CONVERSATIONS)
    .where(CONVERSATIONS.c.id == bindparam("conv"))
    .values(
        last_message_at=bindparam("at"),
        last_message_preview=bindparam("preview"),
        # added, not set: marking a conversation read does not take the inbox lock
        unread_count=CONVERSATIONS.c.unread_count + bindparam("added"),
    )
)


async def _save(session: AsyncSession, convs: dict[str, _Conversation]) -> None:
    """One UPDATE run with every changed conversation's values (the ORM would send one per row on SQLite)."""
    changed = [
        {"conv": cid, "at": c.last_at, "preview": c.preview, "added": c.unread}
        for cid, c in convs.items()
        if c.touched or c.unread
    ]
    if changed:
        await session.execute(_SAVE, changed)


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


@cache
def _insert_new(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING, built once and run with every row's values: SQLAlchemy packs
    them into multi-row statements itself. (A `.values(rows)` statement is compiled again for every batch, which
    cost most of a burst's store time in the API's event loop.)"""
    stmt = insert_for(dialect, MESSAGES).on_conflict_do_nothing(index_elements=["clubos_message_id"])
    return stmt.returning(InboxMessage.clubos_message_id, InboxMessage.id)


async def _insert(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[str, int]:
    """ClubOS id -> new inbox id of each row inserted. Under the lock nobody else stores these ids; the conflict
    clause is the unique key's last word."""
    await session.flush()  # links made by _reconcile first, so the unique key sees them
    if not rows:
        return {}
    result = await session.execute(_insert_new(session.get_bind().dialect.name), rows)
    return {str(clubos_id): int(message_id) for clubos_id, message_id in result}
