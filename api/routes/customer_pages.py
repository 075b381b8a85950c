"""A customer's page ("View Intelligence"): risk and usage over time as charts with the events that
moved them marked (db/customer_charts.py; JSON at /api/customers/{id}/charts/{chart}), its renewals and
the intelligence history. Staff see every customer; a CSM the customers of their own renewals."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import CurrentUser, Forbidden, current_user
from api.deps import get_db, get_templates
from contracts.charts import Chart
from db import customer_charts, intelligence_store
from db.engine import Database
from db.models import Customer, WorkflowInstance

router = APIRouter(tags=["customers"])
User = Annotated[CurrentUser, Depends(current_user)]
Db = Annotated[Database, Depends(get_db)]
CustomerChart = Literal["risk", "usage"]
CHARTS: list[CustomerChart] = ["risk", "usage"]
SOURCE = "/api/customers/{customer_id}/charts/"


async def _renewals(session: AsyncSession, customer_id: str, user: CurrentUser) -> list[WorkflowInstance]:
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


async def _chart(session: AsyncSession, customer_id: str, chart: CustomerChart) -> Chart:
    if chart == "risk":
        return await customer_charts.risk_over_time(session, customer_id, datetime.now(UTC).date())
    return await customer_charts.usage_over_time(session, customer_id)


@router.get("/customers/{customer_id}")
async def customer_page(request: Request, customer_id: str, user: User, db: Db) -> Response:
    async with db.session() as session:
        customer = await session.get(Customer, customer_id)
        if customer is None:
            return get_templates(request).TemplateResponse(
                request,
                "error.html",
                {"title": "Not found", "message": f"No customer {customer_id}."},
                status_code=404,
            )
        renewals = await _renewals(session, customer_id, user)
        history = await intelligence_store.intelligence_history(session, customer_id)
        charts = [await _chart(session, customer_id, c) for c in CHARTS]
    return get_templates(request).TemplateResponse(
        request,
        "customer.html",
        {
            "customer": customer,
            "history": history,
            "renewals": renewals,
            "charts": charts,
            "chart_source": SOURCE.format(customer_id=quote(customer_id, safe="")),
        },
    )


@router.get("/api/customers/{customer_id}/charts/{chart}", response_model=Chart)
async def customer_chart(customer_id: str, chart: CustomerChart, user: User, db: Db) -> Chart:
    """Risk (and health) per day, or weekly active users against licensed seats, with the signals, renewal
    steps completed and outcomes marked where they happened."""
    async with db.session() as session:
        if await session.get(Customer, customer_id) is None:
            raise HTTPException(404, f"no customer {customer_id!r}")
        await _renewals(session, customer_id, user)
        return await _chart(session, customer_id, chart)
