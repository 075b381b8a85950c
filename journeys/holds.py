"""Lifting the kill switch wakes the journeys it held: each waits for the `release_hold` signal (with a
backing-off fallback check), so a hold costs its history a few events, not an activity and a timer a minute."""

from __future__ import annotations

import asyncio
import logging

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from contracts import names
from db import control, journey_store
from db.engine import Database

log = logging.getLogger("renubu.journeys")
BATCH = 500
AT_ONCE = 20  # signals in flight


async def release_held(client: Client, db: Database) -> int:
    """Signals every held journey once the kill switch is off; returns how many were signalled. Safe to repeat
    (bootstrap calls it too, in case the API stopped between lifting the switch and signalling)."""
    released = 0
    gate = asyncio.Semaphore(AT_ONCE)

    async def wake(workflow_id: str) -> None:
        async with gate:
            try:
                await client.get_workflow_handle(workflow_id).signal(names.JOURNEY_RELEASE)
            except RPCError as exc:  # a journey that ended (terminated, reset) meanwhile has nothing to wake
                if exc.status != RPCStatusCode.NOT_FOUND:
                    raise

    while True:
        async with db.session() as session:
            if (await control.kill_switch(session))["on"]:
                return released
            held = await journey_store.held(session, BATCH)
        if not held:
            return released
        await asyncio.gather(*(wake(w) for w in held))
        async with db.transaction() as session:
            await journey_store.unhold(session, held)
        released += len(held)
        log.info("kill switch lifted: %d held journey(s) signalled", len(held))
