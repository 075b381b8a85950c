"""A customer's page ("View Intelligence"): risk and usage over time as charts with the events that
moved them marked (api/customer_charts.py; the JSON: customer_charts_api), its renewals and the intelligence history."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.customer_charts import CHARTS, SOURCE, User, load_chart, renewals_of
from api.deps import DbDep
from api.html import render
from contracts import ids
from db import downstream, intelligence_store, renewal_projection
from db.models import Customer

router = APIRouter(tags=["customers"], include_in_schema=False)


@router.get("/customers/{customer_id}")
async def customer_page(request: Request, customer_id: str, user: User, db: DbDep) -> Response:
    async with db.session() as session:
        customer = await session.get(Customer, customer_id)
        if customer is None:
            return render(request, "error.html", {"title": "Not found", "message": f"No customer {customer_id}."}, 404)
        renewals = await renewals_of(session, customer_id, user)
        scores = await renewal_projection.live_scores(session, renewals)  # as the queue shows them
        history = await intelligence_store.intelligence_history(session, customer_id)
        charts = [await load_chart(session, customer_id, c) for c in CHARTS]
        # A signal held up by an outage waits in the customer's intelligence workflow: say so here too.
        waits = await downstream.by_system(session, [ids.intelligence(customer_id), *(r.id for r in renewals)])
    return render(
        request,
        "customer.html",
        {
            "customer": customer,
            "history": history,
            "renewals": renewals,
            "waits": waits,
            "scores": scores,
            "charts": charts,
            "chart_source": SOURCE.format(customer_id=quote(customer_id, safe="")),
        },
    )
