"""The inbox in the browser: the page (conversation list, the open thread, the
metrics strip, the assistant's controls) and the partials each part re-fetches
when its live topic changes. Staff actions are in inbox_actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from api import inbox_view, member_context
from api.auth import CurrentUser, require_role
from api.campaign_ui import InlineErrors, render
from api.deps import DbId, get_db, get_temporal
from contracts import ids, names
from contracts.inbox import SyncStatus
from db import control
from db.models import InboxMessage

router = APIRouter(tags=["inbox pages"], route_class=InlineErrors)
viewer = require_role("manager", "operator")
VIEWS = {
    "all": "All",
    "unread": "Unread",
    "requires_response": "Needs reply",
    "escalated": "Escalated",
    "ai": "AI handling",
    "staff": "Staff handling",
}
FILTERS_ID = "inbox-filters"  # the filter form's id: its requests update the address bar


@dataclass(frozen=True)
class Filters:
    view: str
    tag: str
    q: str

    def query(self, c: str = "") -> str:
        """The page's address for these filters (and an open conversation), shareable."""
        params = {"view": self.view if self.view != "all" else "", "tag": self.tag, "q": self.q, "c": c}
        query = urlencode({k: v for k, v in params.items() if v})
        return f"/inbox?{query}" if query else "/inbox"


def filters(
    view: str = Query("all", max_length=30), tag: str = Query("", max_length=40), q: str = Query("", max_length=100)
) -> Filters:
    return Filters(view if view in VIEWS else "all", tag.strip(), q.strip())


def club_tz(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.club_timezone)


async def list_context(request: Request, f: Filters, selected: str = "") -> dict[str, Any]:
    async with get_db(request).session() as session:
        rows = await inbox_view.rows(session, view=f.view, tag=f.tag or None, search=f.q)
        tags = await inbox_view.tags(session)
    return {"rows": rows, "f": f, "tags": tags, "selected": selected, "views": VIEWS}


async def thread_context(request: Request, conversation_id: str, f: Filters) -> dict[str, Any]:
    async with get_db(request).session() as session:
        t = await inbox_view.thread(session, conversation_id)
    if t is None:
        raise HTTPException(404, f"no conversation {conversation_id!r}")
    return {"t": t, "f": f}


async def metrics_context(request: Request) -> dict[str, Any]:
    async with get_db(request).session() as session:
        return {"m": await inbox_view.metrics(session, club_tz(request))}


async def sync_status(request: Request) -> SyncStatus | None:
    """The sync workflow's own figures (poll interval); None when it is not running."""
    try:
        handle = (await get_temporal(request)).get_workflow_handle(ids.INBOX_SYNC)
        return await handle.query(names.INBOX_SYNC_STATUS, result_type=SyncStatus, rpc_timeout=timedelta(seconds=3))
    except Exception:  # not started, no worker, Temporal down: the page still works
        return None


async def controls_context(request: Request) -> dict[str, Any]:
    async with get_db(request).session() as session:
        mode = await control.inbox_mode(session)
        ev = await inbox_view.assistant_evaluation(session, request.app.state.settings)
    return {"mode": mode, "sync": await sync_status(request), "ev": ev}


@router.get("/inbox")
async def inbox_page(
    request: Request,
    f: Filters = Depends(filters),
    c: str = Query("", max_length=60),
    _user: CurrentUser = Depends(viewer),
) -> Response:
    context = {**await list_context(request, f, c), **await metrics_context(request)}
    context.update(await controls_context(request))
    if c:
        try:
            context.update(await thread_context(request, c, f))
        except HTTPException:
            context["missing"] = c
    return render(request, "inbox.html", context)


@router.get("/inbox/list")
async def conversation_list(
    request: Request,
    f: Filters = Depends(filters),
    c: str = Query("", max_length=60),
    _user: CurrentUser = Depends(viewer),
) -> Response:
    response = render(request, "partials/inbox/list.html", await list_context(request, f, c))
    if request.headers.get("hx-trigger") == FILTERS_ID:  # a new filter, not a live refresh
        response.headers["HX-Push-Url"] = f.query(c)
    return response


@router.get("/inbox/metrics")
async def metrics(request: Request, _user: CurrentUser = Depends(viewer)) -> Response:
    return render(request, "partials/inbox/metrics.html", await metrics_context(request))


@router.get("/inbox/controls")
async def controls(request: Request, _user: CurrentUser = Depends(viewer)) -> Response:
    return render(request, "partials/inbox/controls.html", await controls_context(request))


@router.get("/inbox/thread/{conversation_id}")
async def thread(
    request: Request, conversation_id: str, f: Filters = Depends(filters), _user: CurrentUser = Depends(viewer)
) -> Response:
    return render(request, "partials/inbox/thread.html", await thread_context(request, conversation_id, f))


@router.get("/inbox/thread/{conversation_id}/{part}")
async def thread_part(
    request: Request,
    conversation_id: str,
    part: str,
    f: Filters = Depends(filters),
    _user: CurrentUser = Depends(viewer),
) -> Response:
    if part == "member":  # the member panel, loaded after the thread: ClubOS is not on the thread's path
        async with get_db(request).session() as session:
            ctx = await member_context.panel(session, request.app.state.settings, conversation_id)
        return render(request, "partials/inbox/member.html", {"mc": ctx, "conversation_id": conversation_id})
    templates = {"head": "partials/inbox/head.html", "messages": "partials/inbox/message_items.html"}
    if part not in templates:
        raise HTTPException(404, f"no thread part {part!r}")
    return render(request, templates[part], await thread_context(request, conversation_id, f))


async def message_view(request: Request, message_id: int) -> inbox_view.MessageView:
    async with get_db(request).session() as session:
        message = await session.get(InboxMessage, message_id)
        t = await inbox_view.thread(session, message.conversation_id) if message else None
    found = next((v for v in t.messages if v.m.id == message_id), None) if t else None
    if found is None:
        raise HTTPException(404, f"no message {message_id}")
    return found


@router.get("/inbox/drafts/{message_id}")
async def draft(request: Request, message_id: DbId, _user: CurrentUser = Depends(viewer)) -> Response:
    """An AI draft's card: it follows its approval (asked for, then decided) by itself."""
    return render(request, "partials/inbox/draft.html", {"v": await message_view(request, message_id)})
