"""Watching the demo data arrive: `./dev up` prints how far the signals have got (analysed by the worker,
renewals created) and shows its banner only once the dashboard shows all of it."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from sqlalchemy import func, select

from db.engine import Database
from db.models import Customer, CustomerIntelligence, WorkflowInstance

log = logging.getLogger("renubu.seed")

STALL_S = 180.0  # no progress for this long: say so and carry on (a crashed worker is restarted meanwhile)


async def counts(db: Database, event_prefix: str) -> tuple[int, int, int]:
    """(signals analysed, renewals created, renewals expected) for the demo's signals so far."""
    demo = select(CustomerIntelligence.customer_id).where(CustomerIntelligence.event_id.like(f"{event_prefix}-%"))
    async with db.session() as session:
        analysed = await session.scalar(select(func.count()).select_from(demo.subquery())) or 0
        created = await session.scalar(
            select(func.count(func.distinct(WorkflowInstance.customer_id))).where(
                WorkflowInstance.customer_id.in_(demo)
            )
        )
        # A customer whose renewal date has passed (or is unknown) gets no renewal.
        expected = await session.scalar(
            select(func.count()).where(Customer.id.in_(demo), Customer.renewal_date >= date.today())
        )
    return analysed, created or 0, expected or 0


async def wait_until_shown(
    db: Database, event_prefix: str, signals: int, *, poll_s: float = 1.0, stall_s: float = STALL_S
) -> bool:
    """Prints progress until every demo signal is analysed and each renewal it makes exists; False on a stall."""
    shown, idle = None, 0.0
    while True:
        now = await counts(db, event_prefix)
        analysed, created, expected = now
        if now != shown:
            log.info("demo data: signals analysed %d/%d, renewals created %d/%d", analysed, signals, created, expected)
            shown, idle = now, 0.0
        if analysed >= signals and created >= expected:
            return True
        if idle >= stall_s:
            log.warning("demo data: no progress for %.0f s; the dashboard may still be filling", idle)
            return False
        await asyncio.sleep(poll_s)
        idle += poll_s
