"""Storing synced and pushed ClubOS messages in batches, on SQLite and on PostgreSQL: each message once,
conversations and unread counts right, our own replies linked, not stored twice; pushes hand triage to
the inbox sync with one poke in flight at a time."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from contracts import ids, names
from core.settings import Settings
from db import inbox_store
from db.engine import Database
from db.inbox_sync_store import CHUNK, Synced, store_synced
from db.models import InboxConversation, InboxMessage, LiveEvent
from inbox.intake import PushIntake
from tests.stack import wait_for

T0 = datetime(2026, 11, 22, 12, tzinfo=UTC)


def message(tag: str, i: int, *, conv: int | None = None, direction: str = "inbound", body: str = "") -> Synced:
    return Synced(
        clubos_id=f"{tag}-{i}",
        cursor=f"{tag}-{i}",
        conversation_id=f"conv-{tag}-{i % 3 if conv is None else conv}",
        member_id="M1",
        member_name="Sam",
        direction=direction,
        channel="sms",
        subject=None,
        body=body or f"message {i}",
        sent_at=T0 + timedelta(seconds=i),
    )


async def conversations(db: Database, tag: str) -> dict[str, InboxConversation]:
    async with db.session() as session:
        rows = await session.scalars(select(InboxConversation).where(InboxConversation.id.like(f"conv-{tag}-%")))
        return {c.id: c for c in rows}


async def test_a_batch_stores_each_message_once_and_counts_unread(any_db: Database) -> None:
    tag = uuid.uuid4().hex[:8]
    batch = [message(tag, i) for i in range(7)]
    async with any_db.transaction() as session:
        new = await store_synced(session, [*batch, batch[2], batch[5]])  # a page that repeats two messages
    assert list(new) == [m.clubos_id for m in batch]
    async with any_db.session() as session:
        rows = {
            m.clubos_message_id: m
            for m in await session.scalars(select(InboxMessage).where(InboxMessage.id.in_(new.values())))
        }
        events = await session.scalar(
            select(func.count())
            .select_from(LiveEvent)
            .where(LiveEvent.topic == "inbox", LiveEvent.ref.like(f"conv-{tag}-%"))
        )
    assert {clubos_id: rows[clubos_id].id for clubos_id in new} == new  # each id is its own message's
    assert all(r.direction == "incoming" and r.status == "unread" and not r.triage_started for r in rows.values())
    assert events == 7
    convs = await conversations(any_db, tag)
    assert {k: c.unread_count for k, c in convs.items()} == {f"conv-{tag}-0": 3, f"conv-{tag}-1": 2, f"conv-{tag}-2": 2}
    assert convs[f"conv-{tag}-0"].last_message_preview == "message 6"  # the latest message, whatever the order
    async with any_db.transaction() as session:
        assert list(await store_synced(session, [batch[6], message(tag, 7)])) == [f"{tag}-7"]
    convs = await conversations(any_db, tag)
    assert convs[f"conv-{tag}-1"].unread_count == 3 and convs[f"conv-{tag}-0"].unread_count == 3


async def test_a_batch_larger_than_one_statement(any_db: Database) -> None:
    tag = uuid.uuid4().hex[:8]
    batch = [message(tag, i) for i in range(CHUNK + 70)]
    async with any_db.transaction() as session:
        first = await store_synced(session, batch[: CHUNK // 2])
    async with any_db.transaction() as session:
        rest = await store_synced(session, batch)  # half already stored: only the rest is new
    assert set(first).isdisjoint(rest) and len(first) + len(rest) == len(batch)
    async with any_db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(InboxMessage).where(InboxMessage.clubos_message_id.like(f"{tag}-%"))
        )
        pairs = dict(
            (
                await session.execute(
                    select(InboxMessage.clubos_message_id, InboxMessage.id).where(InboxMessage.id.in_(rest.values()))
                )
            ).all()
        )
    assert count == len(batch) and pairs == rest


async def test_history_is_stored_read_and_never_triaged(any_db: Database) -> None:
    tag = uuid.uuid4().hex[:8]
    async with any_db.transaction() as session:
        assert await store_synced(session, [message(tag, i) for i in range(3)], history=True) == {}
    async with any_db.session() as session:
        rows = list(await session.scalars(select(InboxMessage).where(InboxMessage.clubos_message_id.like(f"{tag}-%"))))
        pending = set(await inbox_store.untriaged(session, limit=100_000))
    assert len(rows) == 3 and all(r.status == "read" and r.triage_started for r in rows)
    assert pending.isdisjoint(r.id for r in rows)
    assert {c.unread_count for c in (await conversations(any_db, tag)).values()} == {0}


async def test_our_replies_coming_back_are_linked_not_stored_twice(any_db: Database) -> None:
    tag = uuid.uuid4().hex[:8]
    async with any_db.transaction() as session:
        await store_synced(session, [message(tag, 0, conv=0)])
    local = []
    async with any_db.transaction() as session:
        for n in range(2):  # the same words sent twice: each copy back from ClubOS links to one of them
            local.append(
                await inbox_store.add_outgoing(
                    session,
                    conversation_id=f"conv-{tag}-0",
                    body="See you then!",
                    channel="sms",
                    sent_by="ai",
                    outbox_key=f"{tag}-k{n}",
                )
            )
    echoes = [message(tag, i, conv=0, direction="outbound", body="See you then!") for i in (1, 2, 3)]
    async with any_db.transaction() as session:
        assert list(await store_synced(session, [*echoes, message(tag, 4, conv=0)])) == [f"{tag}-4"]
    async with any_db.session() as session:
        rows = list(
            await session.scalars(
                select(InboxMessage).where(InboxMessage.conversation_id == f"conv-{tag}-0").order_by(InboxMessage.id)
            )
        )
    outgoing = [(r.id, r.clubos_message_id, r.sent_by) for r in rows if r.direction == "outgoing"]
    # The two we sent carry ClubOS's ids, oldest first; the third echo (sent from ClubOS itself) is new.
    assert outgoing[:2] == [(local[0], f"{tag}-1", "ai"), (local[1], f"{tag}-2", "ai")]
    assert [(c, s) for _, c, s in outgoing[2:]] == [(f"{tag}-3", "clubos")]
    assert [r.clubos_message_id for r in rows if r.direction == "incoming"] == [f"{tag}-0", f"{tag}-4"]


async def test_concurrent_pushes_share_commits_and_store_each_message_once(any_db: Database) -> None:
    tag, intake = uuid.uuid4().hex[:8], PushIntake(any_db)
    # 40 messages, each pushed twice at once (a redelivery racing the first delivery).
    results = await asyncio.gather(*(intake.store(message(tag, i % 40)) for i in range(80)))
    pairs = list(zip(results[:40], results[40:], strict=True))
    # Each message is stored once: in one commit both deliveries learn its id, in two the later is a duplicate.
    assert all(a or b for a, b in pairs) and all(a == b for a, b in pairs if a and b)
    assert len({a or b for a, b in pairs}) == 40
    assert await intake.store(message(tag, 0)) is None  # a later redelivery is a duplicate
    convs = {k: c.unread_count for k, c in (await conversations(any_db, tag)).items()}
    assert convs == {f"conv-{tag}-{k}": n for k, n in ((0, 14), (1, 13), (2, 13))}


class Temporal:
    """Records start_workflow calls; each waits until released, like a call in flight."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.release = asyncio.Event()

    async def start_workflow(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(kwargs)
        await self.release.wait()


async def test_pushes_poke_the_sync_once_per_call_in_flight(any_db: Database) -> None:
    """A burst of pushes costs the API a poke in flight and one after it, not a Temporal call per push."""
    intake, temporal = PushIntake(any_db), Temporal()

    async def client() -> Any:
        return temporal

    settings = Settings(_env_file=None)
    for _ in range(50):
        intake.hand_off(client, settings)

    async def in_flight() -> bool:
        return len(temporal.calls) == 1

    await wait_for(in_flight, 10, "the first poke")
    for _ in range(50):  # while it is in flight
        intake.hand_off(client, settings)
    temporal.release.set()
    await intake.drain()
    assert [(c["id"], c["start_signal"]) for c in temporal.calls] == [(ids.INBOX_SYNC, names.INBOX_SYNC_POKE)] * 2


async def test_a_poke_that_fails_waits_for_the_next_poll(any_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    intake = PushIntake(any_db)

    async def down() -> Any:
        raise ConnectionRefusedError("temporal is down")

    intake.hand_off(down, Settings(_env_file=None))
    await intake.drain()
    assert "next poll starts the triage" in caplog.text
