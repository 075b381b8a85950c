"""Member messages pushed by ClubOS, stored in groups and handed to triage.

Each push still waits for the commit that holds its message, so a 202 means "stored". But the store takes
one writer at a time (SQLite does, and the inbox lock keeps conversations right), so one commit per push
queues a burst behind itself: pushes that arrive while a commit is under way share the next one instead.
Triage starts after the answer; a start lost to a crash is swept up by the inbox sync, which starts triage
for every stored message that has none."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select
from temporalio.client import Client

from core.settings import Settings
from db import inbox_store
from db.engine import Database
from db.models import InboxMessage
from inbox.starter import start_pending_triage

log = logging.getLogger("renubu.inbox")


class PushIntake:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._waiting: list[tuple[inbox_store.Synced, asyncio.Future[int | None]]] = []
        self._writer = asyncio.Lock()
        self._handoffs: set[asyncio.Task[None]] = set()

    async def store(self, message: inbox_store.Synced) -> int | None:
        """Stores one pushed message; its new inbox id, or None when it was already stored."""
        stored: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((message, stored))
        async with self._writer:
            if not stored.done():  # nobody took it into their commit: this push leads the next one
                group, self._waiting = self._waiting, []
                await self._commit(group)
        return stored.result()

    async def _commit(self, group: list[tuple[inbox_store.Synced, asyncio.Future[int | None]]]) -> None:
        try:
            async with self.db.transaction() as session:
                new = await inbox_store.store_synced(session, [m for m, _ in group])
                rows = await session.execute(
                    select(InboxMessage.clubos_message_id, InboxMessage.id).where(InboxMessage.id.in_(new))
                )
                ids = {str(clubos_id): message_id for clubos_id, message_id in rows.all()}
        except Exception as exc:
            if len(group) > 1:  # one bad message must not fail the others: each on its own
                for one in group:
                    await self._commit([one])
                return
            for _, stored in group:  # the push answers an error, and ClubOS delivers it again
                if not stored.done():
                    stored.set_exception(exc)
            return
        for message, stored in group:
            if not stored.done():
                stored.set_result(ids.get(message.clubos_id))

    def hand_off(self, client: Client, settings: Settings, message_id: int) -> None:
        """Starts the message's triage after the push is answered."""
        task = asyncio.create_task(self._start(client, settings, message_id))
        self._handoffs.add(task)
        task.add_done_callback(self._handoffs.discard)

    async def _start(self, client: Client, settings: Settings, message_id: int) -> None:
        try:
            await start_pending_triage(client, self.db, settings, only=[message_id])
        except Exception:  # the sync's sweep starts it; say why it was not at once
            log.warning("triage for pushed message %s not started; the inbox sync will", message_id, exc_info=True)
