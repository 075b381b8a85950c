"""The agents dashboard (seed 000): workflows, the AI conversation feed and the
selected workflow's details, plus the partials that refresh them live."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from agent.catalog import CATEGORIES, TOOLS
from api import agent_service, campaign_view, control_service
from api.agent_service import AgentCard
from api.auth import Viewer
from api.deps import DbDep, get_db, get_temporal
from api.html import render

router = APIRouter(tags=["agent pages"], include_in_schema=False)
AGENT_ID = Query(None, max_length=60)


async def cards(request: Request) -> list[AgentCard]:
    return await agent_service.agent_cards(get_db(request), await get_temporal(request))


async def card_for(request: Request, agent_id: str) -> AgentCard:
    return await agent_service.card_for(get_db(request), await get_temporal(request), agent_id)


@router.get("/agents")
async def agents_page(request: Request, user: Viewer, db: DbDep, agent: str | None = AGENT_ID) -> Response:
    all_cards = await cards(request)
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
async def overview(request: Request, user: Viewer, db: DbDep) -> Response:
    """The details panel when no workflow is selected: how many run, wait, are paused; pending approvals."""
    context = {"cards": await cards(request), "pending": await control_service.pending_approvals(db)}
    return render(request, "partials/campaigns/overview.html", context)


@router.get("/agents/{agent_id}/card")
async def agent_card(request: Request, agent_id: str, _user: Viewer, selected: bool = False) -> Response:
    context = campaign_view.card_context(await card_for(request, agent_id), selected)
    return render(request, "partials/campaigns/agent_card.html", context)


@router.get("/agents/{agent_id}/details")
async def agent_details(request: Request, agent_id: str, _user: Viewer, db: DbDep) -> Response:
    """The live part of the details panel (status, metrics, history, tools used)."""
    card = await card_for(request, agent_id)
    async with db.session() as session:
        details = await campaign_view.details(session, card)
    return render(request, "partials/campaigns/details_live.html", {"d": details})
