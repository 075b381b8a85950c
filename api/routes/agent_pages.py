"""The agents dashboard (seed 000): workflows, the AI conversation feed and the
selected workflow's details, plus the partials that refresh them live."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from agent.catalog import CATEGORIES, TOOLS
from api import agent_service, campaign_view, control_service
from api.auth import Viewer
from api.deps import DbDep, TemporalDep, TemporalGetterDep
from api.html import render

router = APIRouter(tags=["agent pages"], include_in_schema=False)
AGENT_ID = Query(None, max_length=60)


@router.get("/agents")
async def agents_page(
    request: Request, user: Viewer, db: DbDep, temporal: TemporalGetterDep, agent: str | None = AGENT_ID
) -> Response:
    all_cards = await agent_service.agent_cards(db, await temporal())
    selected = next((c for c in all_cards if c.agent.id == agent), None)
    async with db.session() as session:
        threads = await campaign_view.feed(session, selected.agent.id if selected else None)
        details = await campaign_view.details(session, selected) if selected else None
    pending = await control_service.pending_approvals(db)
    catalog = [(category, [t for t in TOOLS if t.category == category]) for category in CATEGORIES]
    return render(
        request,
        "agents.html",
        {
            "cards": all_cards,
            "selected": selected,
            "threads": threads,
            "details": details,
            "pending": pending,
            "catalog": catalog,
        },
    )


@router.get("/agents/overview")
async def overview(request: Request, user: Viewer, db: DbDep, client: TemporalDep) -> Response:
    """The details panel when no workflow is selected: how many run, wait, are paused; pending approvals."""
    context = {
        "cards": await agent_service.agent_cards(db, client),
        "pending": await control_service.pending_approvals(db),
    }
    return render(request, "partials/campaigns/overview.html", context)


@router.get("/agents/{agent_id}/card")
async def agent_card(
    request: Request, agent_id: str, _user: Viewer, db: DbDep, temporal: TemporalGetterDep, selected: bool = False
) -> Response:
    card = await agent_service.card_for(db, await temporal(), agent_id)
    context = campaign_view.card_context(card, selected)
    return render(request, "partials/campaigns/agent_card.html", context)


@router.get("/agents/{agent_id}/details")
async def agent_details(request: Request, agent_id: str, _user: Viewer, db: DbDep, client: TemporalDep) -> Response:
    """The live part of the details panel (status, metrics, history, tools used)."""
    card = await agent_service.card_for(db, client, agent_id)
    async with db.session() as session:
        details = await campaign_view.details(session, card)
    return render(request, "partials/campaigns/details_live.html", {"d": details})
