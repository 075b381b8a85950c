"""Customer intelligence: stored once per signal (history kept), newest wins."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import Customer, CustomerIntelligence, WebhookEvent
from db.upsert import dialect_insert, insert_ignore


async def upsert_customer(
    session: AsyncSession,
    *,
    id: str,
    name: str,
    salesforce_id: str | None,
    arr: float,
    renewal_date: date | None,
    account_plan: str | None,
    owner_email: str | None,
) -> None:
    values = dict(
        id=id,
        name=name,
        salesforce_id=salesforce_id,
        arr=arr,
        renewal_date=renewal_date,
        account_plan=account_plan,
        owner_email=owner_email,
    )
    stmt = dialect_insert(session, Customer).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["id"], set_={k: stmt.excluded[k] for k in values if k != "id"})
    await session.execute(stmt)


async def save_intelligence(session: AsyncSession, values: dict[str, Any]) -> int:
    """Insert the analysis for an event; a retried activity finds the first row."""
    if await insert_ignore(session, CustomerIntelligence, values, ["event_id"]):
        live.publish(session, "customer", values["customer_id"], {"intelligence": values["event_id"]})  # its charts
    row_id = await session.scalar(
        select(CustomerIntelligence.id).where(CustomerIntelligence.event_id == values["event_id"])
    )
    assert row_id is not None
    return row_id


async def get_intelligence(session: AsyncSession, intelligence_id: int) -> CustomerIntelligence | None:
    return await session.get(CustomerIntelligence, intelligence_id)


async def latest_intelligence(session: AsyncSession, customer_id: str) -> CustomerIntelligence | None:
    return await session.scalar(
        select(CustomerIntelligence)
        .where(CustomerIntelligence.customer_id == customer_id)
        .order_by(CustomerIntelligence.created_at.desc(), CustomerIntelligence.id.desc())
        .limit(1)
    )


async def intelligence_history(session: AsyncSession, customer_id: str, limit: int = 20) -> list[CustomerIntelligence]:
    rows = await session.scalars(
        select(CustomerIntelligence)
        .where(CustomerIntelligence.customer_id == customer_id)
        .order_by(CustomerIntelligence.created_at.desc(), CustomerIntelligence.id.desc())
        .limit(limit)
    )
    return list(rows)


async def webhook_seen(session: AsyncSession, event_id: str) -> bool:
    return await session.get(WebhookEvent, event_id) is not None


async def claim_webhook(session: AsyncSession, event_id: str, source: str, subject: str) -> bool:
    """Records the event id; False if it was already recorded (or is being, by a concurrent delivery)."""
    return await insert_ignore(
        session, WebhookEvent, {"event_id": event_id, "source": source, "subject": subject}, ["event_id"]
    )


async def mark_webhook(session: AsyncSession, event_id: str, source: str, subject: str) -> None:
    await claim_webhook(session, event_id, source, subject)
