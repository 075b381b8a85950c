"""Server-sent events: one tailer per API process reads the live_events table
and fans new rows out to every connected browser."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from db import live
from db.engine import Database

log = logging.getLogger("renubu.live")
POLL_S = 0.1


class LiveBroker:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()
        self._task: asyncio.Task[None] | None = None
        self._positioned = asyncio.Event()
        self._last_id = 0

    async def _tail(self) -> None:
        while not self._positioned.is_set():
            try:
                async with self.db.session() as session:
                    self._last_id = await live.last_id(session)
                self._positioned.set()
            except Exception:  # the database blinked: subscribers wait until it answers
                log.exception("live feed position read failed")
                await asyncio.sleep(1)
        while self._subscribers:
            try:
                async with self.db.session() as session:
                    rows = await live.since(session, self._last_id)
            except Exception:  # the database blinked: keep the stream, try again
                log.exception("live feed read failed")
                await asyncio.sleep(1)
                continue
            for row in rows:
                self._last_id = row.id
                event = {"id": row.id, "topic": row.topic, "ref": row.ref, "payload": row.payload}
                for queue in list(self._subscribers):
                    if queue.qsize() < 1000:  # a stalled browser must not grow memory without bound
                        queue.put_nowait(event)
            await asyncio.sleep(POLL_S)
        self._task = None

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers.add(queue)
        if self._task is None or self._task.done():
            self._positioned.clear()
            self._task = asyncio.create_task(self._tail())
        try:
            # Ready only once the tailer knows where it starts: an event committed in
            # between would otherwise count as already seen and be skipped.
            await self._positioned.wait()
            yield queue
        finally:
            self._subscribers.discard(queue)

    async def close(self) -> None:
        self._subscribers.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
