"""Pieces of every page (base.html) that follow live events: the kill-switch
banner, the pending-approvals badge in the nav, the notifications bell."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import control_service
from api.auth import SignedIn, Viewer
from api.deps import DbDep
from api.html import render
from db import approvals_store, control
from db.engine import Database

router = APIRouter(prefix="/ui", tags=["page chrome"], include_in_schema=False)
SEEN = "seen_notification"  # session: the newest notification this browser has opened the bell on
BELL_SIZE = 10


@router.get("/kill-banner")
async def kill_banner(request: Request, db: DbDep, _user: SignedIn) -> Response:
    async with db.session() as session:
        state = control_service.kill_state(await control.kill_switch(session))
    return render(request, "partials/shell/kill_banner.html", {"ks": state})


@router.get("/approvals-badge")
async def approvals_badge(request: Request, user: Viewer, db: DbDep) -> Response:
    return render(
        request,
        "partials/shell/approvals_badge.html",
        {"pending": await control_service.pending_approvals(db)},
    )


async def _bell(request: Request, db: Database, mark_seen: bool) -> Response:
    async with db.session() as session:
        notes = await approvals_store.recent_notifications(session, BELL_SIZE)
    if mark_seen and notes:
        request.session[SEEN] = notes[0].id
    seen = request.session.get(SEEN, 0)
    unseen = sum(1 for n in notes if n.id > seen)
    return render(request, "partials/shell/bell.html", {"notes": notes, "unseen": unseen})


@router.get("/bell")
async def bell(request: Request, _user: Viewer, db: DbDep) -> Response:
    return await _bell(request, db, mark_seen=False)


@router.post("/bell/seen")
async def bell_seen(request: Request, _user: Viewer, db: DbDep) -> Response:
    return await _bell(request, db, mark_seen=True)
