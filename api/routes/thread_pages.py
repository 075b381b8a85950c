"""A run's conversation thread: the standalone page, and the partials the feed
fetches as the run works (new threads, new events, the header's counters)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from api import campaign_view
from api.auth import Viewer
from api.deps import DB_INT_MAX, DbDep
from api.html import render
from db import agent_runs_store
from db.models import AgentRun

router = APIRouter(tags=["run threads"], include_in_schema=False)


async def _run(session: AsyncSession, run_id: str) -> AgentRun:
    run = await agent_runs_store.get_run(session, run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id!r}")
    return run


@router.get("/runs/{run_id}")
async def run_page(request: Request, run_id: str, _user: Viewer, db: DbDep) -> Response:
    async with db.session() as session:
        run = await agent_runs_store.get_run(session, run_id)
        if run is None:
            return render(request, "error.html", {"title": "Not found", "message": f"No run {run_id}."}, 404)
        view = await campaign_view.thread(session, run, await campaign_view.agent_names(session))
    return render(request, "run.html", {"t": view})


@router.get("/runs/{run_id}/head")
async def run_head(request: Request, run_id: str, _user: Viewer, db: DbDep) -> Response:
    async with db.session() as session:
        view = await campaign_view.thread(
            session, await _run(session, run_id), await campaign_view.agent_names(session), open=False
        )
    return render(request, "partials/campaigns/thread_head.html", {"t": view})


@router.get("/runs/{run_id}/events")
async def run_events(
    request: Request, run_id: str, _user: Viewer, db: DbDep, after: int = Query(0, ge=0, le=DB_INT_MAX)
) -> Response:
    """Events after `after` (the last one the browser has), appended to the thread."""
    async with db.session() as session:
        events, approvals = await campaign_view.visible(session, await agent_runs_store.events(session, run_id, after))
    return render(request, "partials/campaigns/events.html", {"events": events, "approvals": approvals})


@router.get("/agents/feed/new")
async def new_thread(
    request: Request,
    _user: Viewer,
    db: DbDep,
    run_id: str = Query(max_length=200),
    agent: str | None = Query(None, max_length=60),
) -> Response:
    """A run the feed does not show yet; nothing (204) when it belongs to another agent than the filter."""
    async with db.session() as session:
        run = await agent_runs_store.get_run(session, run_id)
        if run is None or (agent and run.agent_id != agent):
            return Response(status_code=204)
        view = await campaign_view.thread(session, run, await campaign_view.agent_names(session))
    return render(request, "partials/campaigns/thread.html", {"t": view, "arrived_live": True})
