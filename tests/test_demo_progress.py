"""`./dev up` counts the demo data as it arrives and shows its banner only once all of it is there."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from db import intelligence_store, renewal_projection
from db.engine import Database
from devstack import demo_progress
from tests.test_db import projection


def _intelligence(customer: str, event_id: str) -> dict[str, Any]:
    return {
        "customer_id": customer,
        "event_id": event_id,
        "risk_score": 70,
        "health_score": 30,
        "sentiment": "negative",
        "summary": "s",
        "trends": {},
        "insights": [],
        "recommendations": [],
        "source": "Offline analyser",
        "from_model": False,
        "context": {},
        "signal": {},
    }


async def test_progress_counts_signals_analysed_and_the_renewals_they_make(any_db: Database) -> None:
    prefix = f"demo-{uuid.uuid4().hex[:6]}"
    renewals = [date.today() + timedelta(days=30), date.today() - timedelta(days=3), None]  # past/unknown: none
    customers = [f"{prefix}-c{i}" for i in range(3)]
    async with any_db.transaction() as s:
        for customer, renewal in zip(customers, renewals, strict=True):
            await intelligence_store.upsert_customer(
                s,
                id=customer,
                name=customer,
                salesforce_id=None,
                arr=1.0,
                renewal_date=renewal,
                account_plan=None,
                owner_email=None,
            )
        for customer in customers[:2]:
            await intelligence_store.save_intelligence(s, _intelligence(customer, f"{prefix}-{customer}"))
    assert await demo_progress.counts(any_db, prefix) == (2, 0, 1)
    assert not await demo_progress.wait_until_shown(any_db, prefix, signals=3, stall_s=0)

    async with any_db.transaction() as s:
        await intelligence_store.save_intelligence(s, _intelligence(customers[2], f"{prefix}-{customers[2]}"))
        await renewal_projection.upsert(s, projection(id=f"renewal-{customers[0]}", customer_id=customers[0]))
    assert await demo_progress.counts(any_db, prefix) == (3, 1, 1)
    assert await demo_progress.wait_until_shown(any_db, prefix, signals=3)
