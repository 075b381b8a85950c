"""The CSM queue and the manager's team view, read from the projection."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api import reassign_choices
from api.auth import SignedIn, Viewer
from api.deps import DB_INT_MAX, DbDep, SettingsDep, get_templates
from api.renewal_queue import queue_owner, start_of_today
from db import renewal_projection, users

router = APIRouter(tags=["queue"], include_in_schema=False)
PAGE = 50
STAGES = ("Emergency", "Critical", "Prepare", "Monitor")


@router.get("/")
async def home(user: SignedIn) -> Response:
    return RedirectResponse("/queue" if user.role == "csm" else "/home", status_code=303)


@router.get("/queue")
async def queue_page(
    request: Request,
    user: SignedIn,
    db: DbDep,
    csm: str | None = None,
    stage: str | None = Query(None, max_length=20),
) -> Response:
    owner = queue_owner(user, csm)
    stage = stage if stage in STAGES else None
    async with db.session() as session:
        items = await renewal_projection.queue(session, owner, limit=PAGE + 1, stage=stage)
        stats = await renewal_projection.queue_stats(session, owner, start_of_today())
        csm_user = await users.by_email(session, owner) if owner else None
        team = await reassign_choices.team(session) if user.role != "csm" else []
    return get_templates(request).TemplateResponse(
        request,
        "queue.html",
        {
            "items": items[:PAGE],
            "more": len(items) > PAGE,
            "stats": stats,
            "owner": owner,
            "owner_name": csm_user.name if csm_user else "All CSMs",
            "stage": stage,
            "stages": STAGES,
            "team": team,
            "offset": PAGE,
        },
    )


@router.get("/queue/items")
async def queue_items(
    request: Request,
    user: SignedIn,
    db: DbDep,
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
    csm: str | None = None,
    stage: str | None = Query(None, max_length=20),
) -> Response:
    """The next page of queue cards, appended by htmx."""
    owner = queue_owner(user, csm)
    async with db.session() as session:
        items = await renewal_projection.queue(
            session, owner, limit=PAGE + 1, offset=offset, stage=stage if stage in STAGES else None
        )
        team = await reassign_choices.team(session) if user.role != "csm" else []
    return get_templates(request).TemplateResponse(
        request,
        "partials/queue_items.html",
        {
            "items": items[:PAGE],
            "more": len(items) > PAGE,
            "offset": offset + PAGE,
            "owner": owner,
            "stage": stage,
            "team": team,
        },
    )


@router.get("/team")
async def team_page(request: Request, _user: Viewer, db: DbDep, settings: SettingsDep) -> Response:
    async with db.session() as session:
        loads = await renewal_projection.team_load(session)
        stats = await renewal_projection.queue_stats(session, None, start_of_today())
        urgent = await renewal_projection.urgent(session)
        team = await reassign_choices.team(session)
    return get_templates(request).TemplateResponse(
        request,
        "team.html",
        {
            "loads": loads,
            "stats": stats,
            "urgent": urgent,
            "team": team,
            "capacity": settings.csm_capacity,  # RENUBU_CSM_CAPACITY: the load bars' scale
        },
    )
