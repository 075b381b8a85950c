"""The live feed's broker: a subscriber told it is ready gets every event committed after."""

from __future__ import annotations

import asyncio

from api.live import LiveBroker
from db import live
from db.engine import Database


async def test_an_event_committed_right_after_subscribing_is_delivered(any_db: Database) -> None:
    async with any_db.transaction() as session:
        live.publish(session, "control", "before", {})
    broker = LiveBroker(any_db)
    try:
        async with broker.subscribe() as queue:
            # No yield to the tailer in between: it must already know where it starts.
            async with any_db.transaction() as session:
                live.publish(session, "control", "after", {})
            event = await asyncio.wait_for(queue.get(), 30)
    finally:
        await broker.close()
    assert event["ref"] == "after"
