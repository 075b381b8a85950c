"""The inbox in the browser: the page (conversation list, the open thread, the
metrics strip, the assistant's controls) and the partials each part re-fetches
when its live topic changes. Staff actions are in inbox_actions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from api import member_context
from api.auth import Viewer
from api.deps import DbDep, DbId, SettingsDep, TemporalGetterDep
from api.html import InlineErrors, render
from api.inbox_page_view import (
    VIEWS,
    Filters,
    controls_context,
    list_context,
    message_view,
    metrics_context,
    thread_context,
)
from db import downstream

router = APIRouter(tags=["inbox pages"], route_class=InlineErrors, include_in_schema=False)
FILTERS_ID = "inbox-filters"  # the filter form's id: its requests update the address bar


async def filters(
    view: str = Query("all", max_length=30), tag: str = Query("", max_length=40), q: str = Query("", max_length=100)
) -> Filters:
    return Filters(view if view in VIEWS else "all", tag.strip(), q.strip())


@router.get("/inbox")
async def inbox_page(
    request: Request,
    _user: Viewer,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalGetterDep,
    f: Filters = Depends(filters),
    c: str = Query("", max_length=60),
) -> Response:
    context = {**await list_context(db, f, c), **await metrics_context(db, ZoneInfo(settings.club.timezone))}
    context.update(await controls_context(db, settings, temporal))
    async with db.session() as session:  # the sync and triage wait while ClubOS is down
        context["waits"] = await downstream.by_system(session, system="clubos")
    if c:
        try:
            context.update(await thread_context(db, c, f))
        except HTTPException:
            context["missing"] = c
    return render(request, "inbox.html", context)


@router.get("/inbox/list")
async def conversation_list(
    request: Request, _user: Viewer, db: DbDep, f: Filters = Depends(filters), c: str = Query("", max_length=60)
) -> Response:
    response = render(request, "partials/inbox/list.html", await list_context(db, f, c))
    if request.headers.get("hx-trigger") == FILTERS_ID:  # a new filter, not a live refresh
        response.headers["HX-Push-Url"] = f.query(c)
    return response


@router.get("/inbox/metrics")
async def metrics(request: Request, _user: Viewer, db: DbDep, settings: SettingsDep) -> Response:
    return render(request, "partials/inbox/metrics.html", await metrics_context(db, ZoneInfo(settings.club.timezone)))


@router.get("/inbox/controls")
async def controls(
    request: Request, _user: Viewer, db: DbDep, settings: SettingsDep, temporal: TemporalGetterDep
) -> Response:
    return render(request, "partials/inbox/controls.html", await controls_context(db, settings, temporal))


@router.get("/inbox/thread/{conversation_id}")
async def thread(
    request: Request, conversation_id: str, _user: Viewer, db: DbDep, f: Filters = Depends(filters)
) -> Response:
    return render(request, "partials/inbox/thread.html", await thread_context(db, conversation_id, f))


@router.get("/inbox/thread/{conversation_id}/{part}")
async def thread_part(
    request: Request,
    conversation_id: str,
    part: str,
    _user: Viewer,
    db: DbDep,
    settings: SettingsDep,
    f: Filters = Depends(filters),
) -> Response:
    if part == "member":  # the member panel, loaded after the thread: ClubOS is not on the thread's path
        async with db.session() as session:
            ctx = await member_context.panel(session, settings, conversation_id)
        return render(request, "partials/inbox/member.html", {"mc": ctx, "conversation_id": conversation_id})
    templates = {"head": "partials/inbox/head.html", "messages": "partials/inbox/message_items.html"}
    if part not in templates:
        raise HTTPException(404, f"no thread part {part!r}")
    return render(request, templates[part], await thread_context(db, conversation_id, f))


@router.get("/inbox/drafts/{message_id}")
async def draft(request: Request, message_id: DbId, _user: Viewer, db: DbDep) -> Response:
    """An AI draft's card: it follows its approval (asked for, then decided) by itself."""
    return render(request, "partials/inbox/draft.html", {"v": await message_view(db, message_id)})
