"""A customer's charts as JSON (declared in OpenAPI): risk and usage over time with the signals, renewal
steps completed and outcomes marked (api/customer_charts.py). Staff see every customer; a CSM the
customers of their own renewals, as on the customer page."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.customer_charts import CustomerChart, User, load_chart, renewals_of
from api.deps import DbDep
from contracts.charts import Chart
from db.models import Customer

router = APIRouter(tags=["customers"])


@router.get("/api/customers/{customer_id}/charts/{chart}", response_model=Chart)
async def customer_chart(customer_id: str, chart: CustomerChart, user: User, db: DbDep) -> Chart:
    """Risk (and health) per day, or weekly active users against licensed seats, with the signals, renewal
    steps completed and outcomes marked where they happened."""
    async with db.session() as session:
        if await session.get(Customer, customer_id) is None:
            raise HTTPException(404, f"no customer {customer_id!r}")
        await renewals_of(session, customer_id, user)
        return await load_chart(session, customer_id, chart)
