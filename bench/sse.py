"""A minimal server-sent-events reader for benchmarks (one logged-in session)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx


@contextlib.asynccontextmanager
async def sse_events(http: httpx.AsyncClient, path: str) -> AsyncIterator[asyncio.Queue[tuple[float, dict[str, Any]]]]:
    """Yields a queue of (arrival time, event) read from the stream in the background."""
    queue: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
    ready = asyncio.Event()

    async def read() -> None:
        async with http.stream("GET", path, timeout=None) as response:
            response.raise_for_status()
            event = ""
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    if event == "ready":
                        ready.set()
                    else:
                        queue.put_nowait((time.perf_counter(), json.loads(line.split(":", 1)[1])))

    task = asyncio.create_task(read())
    await asyncio.wait_for(ready.wait(), 10)
    try:
        yield queue
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
