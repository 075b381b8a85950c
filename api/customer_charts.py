"""What the customer page and its JSON share (routes never import routes): which charts it has, where
charts.js fetches them, loading one (db/customer_charts.py), and who may see the customer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import CurrentUser, Forbidden, current_user
from contracts.charts import Chart
from db import customer_charts
from db.models import WorkflowInstance

User = Annotated[CurrentUser, Depends(current_user)]
CustomerChart = Literal["risk", "usage"]
CHARTS: list[CustomerChart] = ["risk", "usage"]
SOURCE = "/api/customers/{customer_id}/charts/"


async def renewals_of(session: AsyncSession, customer_id: str, user: CurrentUser) -> list[WorkflowInstance]:
    """The customer's renewals, newest first; a CSM with none of them is refused."""
    renewals = list(
        await session.scalars(
            select(WorkflowInstance)
            .where(WorkflowInstance.customer_id == customer_id)
            .order_by(WorkflowInstance.created_at.desc())
        )
    )
    if user.role == "csm" and not any(r.assigned_to == user.email for r in renewals):
        raise Forbidden("this customer is not in your book")
    return renewals


async def load_chart(session: AsyncSession, customer_id: str, name: CustomerChart) -> Chart:
    if name == "risk":
        return await customer_charts.risk_over_time(session, customer_id, datetime.now(UTC).date())
    return await customer_charts.usage_over_time(session, customer_id)
