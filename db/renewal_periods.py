"""`renewal_periods`: the key that makes "one renewal per customer per renewal period" hold in our database,
whatever Temporal still remembers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import RenewalPeriod
from db.upsert import insert_ignore

OPEN = "open"
CLOSED = ("completed", "cancelled", "expired", "superseded")  # the renewal statuses that end a period


async def claim(session: AsyncSession, customer_id: str, renewal_date: date, workflow_id: str) -> RenewalPeriod:
    """The period's row, inserted as open if it is new. Two claims for one period meet at the primary key and
    get the same row (the first workflow id wins); a workflow id already used by another period is an error."""
    values = {"customer_id": customer_id, "renewal_date": renewal_date, "workflow_id": workflow_id, "status": OPEN}
    await insert_ignore(session, RenewalPeriod, values, keys=["customer_id", "renewal_date"])
    row = await session.get(RenewalPeriod, (customer_id, renewal_date), populate_existing=True)
    assert row is not None
    return row


async def close(session: AsyncSession, workflow_id: str, status: str, at: datetime) -> bool:
    """Mark the workflow's period closed (once); False when it was not open or was never claimed."""
    result = await session.execute(
        update(RenewalPeriod)
        .where(RenewalPeriod.workflow_id == workflow_id, RenewalPeriod.status == OPEN)
        .values(status=status, closed_at=at)
    )
    return bool(getattr(result, "rowcount", 0))
