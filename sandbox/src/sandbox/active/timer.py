"""Background emitter: a customer update every `interval_s` seconds, changeable while running (and a
change survives a restart, as long as the configured interval stays the same)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from sandbox.persist import MEMORY, StateStore

logger = logging.getLogger("sandbox.active.timer")


class EmitTimer:
    def __init__(
        self,
        emit_once: Callable[[], Awaitable[object]],
        interval_s: float,
        *,
        name: str = "timed customer update",
        store: StateStore = MEMORY,
        key: str = "active.timer",
    ) -> None:
        self._emit_once = emit_once
        self._store, self._key, self._configured = store, key, interval_s
        self._interval_s: float = store.setting(key, interval_s)
        self._name = name
        self._task: asyncio.Task[None] | None = None

    @property
    def interval_s(self) -> float:
        return self._interval_s

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Begin ticking if the interval is positive; needs a running event loop."""
        if self._interval_s > 0 and not self.running:
            self._task = asyncio.create_task(self._tick(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def set_interval(self, interval_s: float) -> None:
        await self.stop()
        self._interval_s = interval_s
        self._store.set_setting(self._key, self._configured, interval_s)
        self.start()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self._emit_once()
            except Exception:
                # One bad emit must not silently stop the timer for the rest of the run.
                logger.exception("%s failed", self._name)
