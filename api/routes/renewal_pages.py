"""The renewal workflow view: step progress, chat with buttons, artifacts.
Actions post here and get the re-rendered panel back (htmx)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from markupsafe import escape

from api import reassign_choices
from api import renewal_actions as actions
from api.auth import CurrentUser, current_user, require_role
from api.campaign_ui import clock_in
from api.deps import get_db, get_templates
from api.renewal_service import UpdateOutcome
from contracts import ids
from db import approvals_store, downstream, step_history

router = APIRouter(tags=["renewal pages"], include_in_schema=False)
WORKFLOW_ID = r"^[A-Za-z0-9._:-]{1,200}$"


async def _page(
    request: Request,
    workflow_id: str,
    user: CurrentUser,
    outcome: UpdateOutcome | None = None,
    partial: bool = False,
    notice: str | None = None,
) -> Response:
    view = await actions.load_view(request, workflow_id, user, outcome.state if outcome else None)
    next_item = await actions.next_in_queue(request, view.state) if view.state.status == "completed" else None
    async with get_db(request).session() as session:
        audit = await step_history.for_workflow(session, workflow_id)
        team = await reassign_choices.team(session) if user.is_manager else []
        waits = await downstream.by_system(session, [workflow_id, ids.intelligence(view.state.customer_id)])
        pending_emails = await approvals_store.pending_for_workflow(session, workflow_id)
    clock = clock_in(ZoneInfo(request.app.state.settings.club_timezone))
    context = {
        "v": view,
        "next_item": next_item,
        "audit": audit,
        "team": team,
        "waits": [
            {**vars(w), "name": w.name, "since_local": clock(w.since), "next_local": clock(w.next_try)} for w in waits
        ],
        "pending_emails": pending_emails,
        "error": outcome.error if outcome else None,
        "notice": "Still working on it (the model is slow). Refresh in a moment."
        if outcome and outcome.still_running
        else notice,
    }
    template = "partials/renewal_panel.html" if partial else "renewal.html"
    return get_templates(request).TemplateResponse(request, template, context)


def _wait(w: downstream.SystemWait, clock: Callable[[datetime | None], str]) -> dict[str, Any]:
    """An outside system this renewal (or its enrichment) waits for, with times in the club's time zone."""
    return {**vars(w), "name": w.name, "since_local": clock(w.since), "next_local": w.next_try and clock(w.next_try)}


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("/renewals/{workflow_id}")
async def renewal_page(request: Request, workflow_id: str, user: CurrentUser = Depends(current_user)) -> Response:
    return await _page(request, workflow_id, user)


@router.post("/renewals/{workflow_id}/start")
async def start(
    request: Request,
    workflow_id: str,
    from_queue: bool = Form(default=False),
    user: CurrentUser = Depends(current_user),
) -> Response:
    outcome = await actions.start(request, workflow_id, user)
    if from_queue and outcome.error is None:
        return Response(status_code=204, headers={"HX-Redirect": f"/renewals/{workflow_id}"})
    return await _page(request, workflow_id, user, outcome, partial=_is_htmx(request))


@router.post("/renewals/{workflow_id}/choose")
async def choose(
    request: Request,
    workflow_id: str,
    step_id: str = Form(max_length=100),
    value: str = Form(max_length=100),
    user: CurrentUser = Depends(current_user),
) -> Response:
    outcome = await actions.choose(request, workflow_id, user, step_id, value)
    return await _page(request, workflow_id, user, outcome, partial=_is_htmx(request))


@router.post("/renewals/{workflow_id}/steps/{step_id}/complete")
async def complete_step(
    request: Request,
    workflow_id: str,
    step_id: str,
    outcome: str = Form(max_length=100),
    notes: str = Form(default="", max_length=4000),
    user: CurrentUser = Depends(current_user),
) -> Response:
    result = await actions.complete_step(request, workflow_id, user, step_id, outcome, notes)
    return await _page(request, workflow_id, user, result, partial=_is_htmx(request))


@router.post("/renewals/{workflow_id}/complete")
async def complete(
    request: Request,
    workflow_id: str,
    outcome: str = Form(max_length=100),
    notes: str = Form(default="", max_length=4000),
    next_steps: str = Form(default="", max_length=4000),
    confidence: Literal["high", "medium", "low"] = Form(default="medium"),
    pending: Literal["", "send", "drop"] = Form(default="", description="what to do with an email awaiting approval"),
    user: CurrentUser = Depends(current_user),
) -> Response:
    # An email still awaiting approval is never dropped silently: the CSM chooses to send it first (the renewal
    # stays open) or to drop it (withdrawn: renewal completed). The JSON API keeps its behaviour (it withdraws).
    await actions.ensure_may_act(request, workflow_id, user)
    async with get_db(request).session() as session:
        waiting = await approvals_store.pending_for_workflow(session, workflow_id)
    if waiting and pending != "drop":
        if pending == "send":
            notice = "Kept open: the email goes once a manager approves it. Complete the renewal after that."
            return await _page(request, workflow_id, user, partial=_is_htmx(request), notice=notice)
        error = "An email to the customer is waiting for a manager's approval: send it first, or drop it."
        return await _page(request, workflow_id, user, UpdateOutcome(error=error), partial=_is_htmx(request))
    steps = [line.strip() for line in next_steps.splitlines() if line.strip()]
    result = await actions.complete(request, workflow_id, user, outcome, notes, steps, confidence)
    return await _page(request, workflow_id, user, result, partial=_is_htmx(request))


@router.post("/renewals/{workflow_id}/reassign")
async def reassign(
    request: Request,
    workflow_id: str,
    to_email: str = Form(max_length=200),
    reason: str = Form(default="", max_length=500),
    user: CurrentUser = Depends(require_role("manager")),
) -> Response:
    result = await actions.reassign(request, workflow_id, user, to_email, reason)
    if request.headers.get("hx-target", "").startswith("reassign-"):
        if result.error:
            return Response(f'<p class="flash error">{escape(result.error)}</p>', media_type="text/html")
        return Response(f'<p class="flash ok">Reassigned to {escape(to_email)}.</p>', media_type="text/html")
    return await _page(request, workflow_id, user, result, partial=_is_htmx(request))


@router.post("/renewals/{workflow_id}/cancel")
async def cancel(
    request: Request,
    workflow_id: str,
    reason: str = Form(min_length=1, max_length=500),
    user: CurrentUser = Depends(require_role("manager")),
) -> Response:
    result = await actions.cancel(request, workflow_id, user, reason)
    return await _page(request, workflow_id, user, result, partial=_is_htmx(request))
