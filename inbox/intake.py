"""Member messages pushed by ClubOS, stored in groups and handed to the inbox sync for triage.

Each push still waits for the commit that holds its message, so a 202 means "stored". But the store takes
one writer at a time (SQLite does, and the inbox lock keeps conversations right), so one commit per push
queues a burst behind itself: pushes that arrive while a commit is under way share the next one instead.

Triage is not started here. The push pokes the inbox sync (signal-with-start, so a sync that is not running
yet is started), whose activity starts triage for every stored message that has none, up to 500 a sweep,
in one write; pokes that arrive while one is in flight share the next one. A burst of a thousand pushes
so costs the API a handful of Temporal calls and no per-message writes; a poke lost (Temporal down, a
crash) only waits for the sync's next poll, which sweeps the same way."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from temporalio.client import Client

from core.settings import Settings
from db import inbox_sync_store
from db.engine import Database
from inbox.sync_starter import ensure_inbox_sync

log = logging.getLogger("renubu.inbox")


class PushIntake:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._waiting: list[tuple[inbox_sync_store.Synced, asyncio.Future[int | None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._poke_wanted = False
        self._poker: asyncio.Task[None] | None = None

    async def store(self, message: inbox_sync_store.Synced) -> int | None:
        """Stores one pushed message; its new inbox id, or None when it was already stored."""
        stored: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((message, stored))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        # shield: a push whose caller hangs up is still stored (and ClubOS's redelivery finds it stored)
        return await asyncio.shield(stored)

    async def _write(self) -> None:
        """One writer commits group after group until nobody waits: a push waits for the commit that holds
        its message, and the pushes that arrive meanwhile form the next group."""
        while self._waiting:
            group, self._waiting = self._waiting, []
            await self._commit(group)

    async def _commit(self, group: list[tuple[inbox_sync_store.Synced, asyncio.Future[int | None]]]) -> None:
        try:
            async with self.db.transaction() as session:
                ids = await inbox_sync_store.store_synced(session, [m for m, _ in group])
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

    def hand_off(self, temporal: Callable[[], Awaitable[Client]], settings: Settings) -> None:
        """Asks the inbox sync to start triage for what was stored, after the push is answered."""
        self._poke_wanted = True
        if self._poker is None or self._poker.done():
            self._poker = asyncio.create_task(self._poke(temporal, settings))

    async def _poke(self, temporal: Callable[[], Awaitable[Client]], settings: Settings) -> None:
        while self._poke_wanted:
            self._poke_wanted = False
            try:
                await ensure_inbox_sync(await temporal(), settings, poke=True)
            except Exception:  # its next poll sweeps the same messages; say why it was not at once
                log.warning("inbox sync not poked after a push; its next poll starts the triage", exc_info=True)

    async def drain(self) -> None:
        """Waits for a poke in flight (tests, shutdown)."""
        if self._poker is not None:
            await asyncio.gather(self._poker, return_exceptions=True)
