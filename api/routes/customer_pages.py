"""A customer's intelligence history ("View Intelligence")."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from api.auth import CurrentUser, Forbidden, current_user
from api.deps import get_db, get_templates
from db import intelligence_store
from db.models import Customer, WorkflowInstance

router = APIRouter(tags=["customers"], include_in_schema=False)


@router.get("/customers/{customer_id}")
async def customer_page(request: Request, customer_id: str, user: CurrentUser = Depends(current_user)) -> Response:
    async with get_db(request).session() as session:
        customer = await session.get(Customer, customer_id)
        history = await intelligence_store.intelligence_history(session, customer_id)
        renewals = list(
            await session.scalars(
                select(WorkflowInstance)
                .where(WorkflowInstance.customer_id == customer_id)
                .order_by(WorkflowInstance.created_at.desc())
            )
        )
    if customer is None:
        return get_templates(request).TemplateResponse(
            request,
            "error.html",
            {"title": "Not found", "message": f"No customer {customer_id}."},
            status_code=404,
        )
    if user.role == "csm" and not any(r.assigned_to == user.email for r in renewals):
        raise Forbidden("this customer is not in your book")
    return get_templates(request).TemplateResponse(
        request,
        "customer.html",
        {
            "customer": customer,
            "history": history,
            "renewals": renewals,
        },
    )
