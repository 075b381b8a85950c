"""The CSM queue, All renewals and the manager's Team view, read from the projection: cards or a sortable
table, filtered by what the URL says (api/queue_query.py), each re-rendered live by its `/list` route."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from api import reassign_choices
from api.auth import CurrentUser, SignedIn, Viewer, current_user
from api.deps import DB_INT_MAX, DbDep, SettingsDep
from api.html import render
from api.queue_query import COLUMNS, DUE_CHOICES, QueueQuery, QueueQueryDep
from api.renewal_queue import queue_owner, start_of_today
from db import renewal_projection, users
from db.engine import Database
from rules.queue_order import STAGE_ORDER, URGENT_STAGES

router = APIRouter(tags=["queue"], include_in_schema=False)
PAGE = 50  # cards a page, "Show more" for the next ones
TABLE_ROWS = 500  # the table shows this many at most (and says so)
LIVE_MAX = 1000  # a live re-render of the cards brings back at most as many as were shown
STAGES = STAGE_ORDER


def _names(team: list[Any], user: CurrentUser) -> dict[str, str]:
    return {c.email: c.name for c in team} | {user.email: user.name}


async def _queue_context(db: Database, user: CurrentUser, qq: QueueQuery, limit: int) -> dict[str, Any]:
    owner = queue_owner(user, qq.csm)
    rows = TABLE_ROWS if qq.view == "table" else limit
    async with db.session() as session:
        items = await renewal_projection.queue(
            session, owner, limit=rows + 1, filters=qq.filter(start_of_today().date())
        )
        stats = await renewal_projection.queue_stats(session, owner, start_of_today())
        csm_user = await users.by_email(session, owner) if owner else None
        team = await reassign_choices.team(session) if user.role != "csm" else []
    return {
        "items": items[:rows],
        "more": qq.view == "cards" and len(items) > rows,
        "truncated": qq.view == "table" and len(items) > rows,
        "filtered": bool(qq.stages or qq.due is not None or qq.search),
        "stats": stats,
        "owner": owner,
        "owner_name": csm_user.name if csm_user else "All CSMs",
        "stages": STAGES,
        "team": team,
        "names": _names(team, user),
        "offset": rows,
        "qq": qq,
        "columns": COLUMNS,
        "due_choices": DUE_CHOICES,
    }


@router.get("/")
async def home(user: CurrentUser = Depends(current_user)) -> Response:
    return RedirectResponse("/queue" if user.role == "csm" else "/home", status_code=303)


@router.get("/queue")
async def queue_page(request: Request, qq: QueueQueryDep, user: SignedIn, db: DbDep) -> Response:
    context = await _queue_context(db, user, qq, PAGE)
    return render(request, "queue.html", context)


@router.get("/queue/list")
async def queue_list(
    request: Request,
    qq: QueueQueryDep,
    user: SignedIn,
    db: DbDep,
    limit: int = Query(PAGE, ge=1, le=LIVE_MAX, description="cards shown now: the re-render keeps as many"),
) -> Response:
    """The queue view again (live): as many cards as the page showed, or the table."""
    context = await _queue_context(db, user, qq, max(PAGE, limit))
    return render(request, "partials/queue_body.html", context)


@router.get("/queue/items")
async def queue_items(
    request: Request,
    qq: QueueQueryDep,
    user: SignedIn,
    db: DbDep,
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
) -> Response:
    """The next page of queue cards, appended by htmx."""
    owner = queue_owner(user, qq.csm)
    async with db.session() as session:
        items = await renewal_projection.queue(
            session, owner, limit=PAGE + 1, offset=offset, filters=qq.filter(start_of_today().date())
        )
        team = await reassign_choices.team(session) if user.role != "csm" else []
    return render(
        request,
        "partials/queue_items.html",
        {
            "items": items[:PAGE],
            "more": len(items) > PAGE,
            "offset": offset + PAGE,
            "owner": owner,
            "team": team,
            "qq": qq,
        },
    )


async def _team_context(db: Database, user: CurrentUser, qq: QueueQuery, capacity: int) -> dict[str, Any]:
    owner = None if not qq.csm or qq.csm == "all" else qq.csm
    async with db.session() as session:
        loads = await renewal_projection.team_load(session)
        stats = await renewal_projection.queue_stats(session, None, start_of_today())
        urgent = await renewal_projection.urgent(
            session, filters=qq.filter(start_of_today().date(), URGENT_STAGES), csm_email=owner
        )
        team = await reassign_choices.team(session)
    return {
        "loads": loads,
        "stats": stats,
        "urgent": urgent,
        "team": team,
        "names": _names(team, user),
        "capacity": capacity,  # RENUBU_CSM_CAPACITY: the load bars' scale
        "qq": qq,
        "columns": COLUMNS,
        "due_choices": DUE_CHOICES,
        "stages": URGENT_STAGES,
        "filtered": bool(qq.stages or qq.due is not None or qq.search or owner),
    }


@router.get("/team")
async def team_page(request: Request, qq: QueueQueryDep, user: Viewer, db: DbDep, settings: SettingsDep) -> Response:
    context = await _team_context(db, user, qq, settings.club.csm_capacity)
    return render(request, "team.html", context)


@router.get("/team/list")
async def team_list(request: Request, qq: QueueQueryDep, user: Viewer, db: DbDep, settings: SettingsDep) -> Response:
    """Team again (live): loads and every Emergency and Critical renewal, in order."""
    context = await _team_context(db, user, qq, settings.club.csm_capacity)
    return render(request, "partials/team_body.html", context)
