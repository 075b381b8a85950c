"""The renewal workflow view: step progress, chat with buttons, artifacts.
Actions post here and get the re-rendered panel back (htmx)."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from markupsafe import escape

from api import reassign_choices
from api import renewal_action_service as actions
from api.auth import CurrentUser, Manager, SignedIn
from api.deps import DbDep, SettingsDep, TemporalGetter, TemporalGetterDep
from api.html import is_htmx, render
from api.renewal_service import UpdateOutcome
from api.template_helpers import clock_in
from contracts import ids
from core.settings import Settings
from db import approvals_store, downstream, step_history
from db.engine import Database

router = APIRouter(tags=["renewal pages"], include_in_schema=False)
WORKFLOW_ID = r"^[A-Za-z0-9._:-]{1,200}$"


class RenewalPage:
    """What every renewal page route needs, declared once: the request (templates, htmx headers), the database,
    the way to reach Temporal (a getter: a 403 from the projection never waits on it) and the settings."""

    def __init__(self, request: Request, db: Database, temporal: TemporalGetter, settings: Settings) -> None:
        self.request, self.db, self.temporal, self.settings = request, db, temporal, settings

    async def render(
        self,
        workflow_id: str,
        user: CurrentUser,
        outcome: UpdateOutcome | None = None,
        partial: bool = False,
        notice: str | None = None,
    ) -> Response:
        db = self.db
        view = await actions.load_view(db, self.temporal, workflow_id, user, outcome.state if outcome else None)
        next_item = await actions.next_in_queue(db, view.state) if view.state.status == "completed" else None
        async with db.session() as session:
            audit = await step_history.for_workflow(session, workflow_id)
            team = await reassign_choices.team(session) if user.is_manager else []
            waits = await downstream.by_system(session, [workflow_id, ids.intelligence(view.state.customer_id)])
            pending_emails = await approvals_store.pending_for_workflow(session, workflow_id)
        clock = clock_in(ZoneInfo(self.settings.club.timezone))
        context = {
            "v": view,
            "next_item": next_item,
            "audit": audit,
            "team": team,
            "waits": [
                {**vars(w), "name": w.name, "since_local": clock(w.since), "next_local": clock(w.next_try)}
                for w in waits
            ],
            "pending_emails": pending_emails,
            "error": outcome.error if outcome else None,
            "notice": "Still working on it (the model is slow). Refresh in a moment."
            if outcome and outcome.still_running
            else notice,
        }
        template = "partials/renewal_panel.html" if partial else "renewal.html"
        return render(self.request, template, context)

    async def after(
        self, workflow_id: str, user: CurrentUser, outcome: UpdateOutcome | None, notice: str | None = None
    ) -> Response:
        """The page after an action: just the panel when htmx asked for it."""
        partial = is_htmx(self.request)
        return await self.render(workflow_id, user, outcome, partial=partial, notice=notice)


async def renewal_page(request: Request, db: DbDep, temporal: TemporalGetterDep, settings: SettingsDep) -> RenewalPage:
    return RenewalPage(request, db, temporal, settings)


Page = Annotated[RenewalPage, Depends(renewal_page)]


@router.get("/renewals/{workflow_id}")
async def renewal_page(workflow_id: str, user: SignedIn, page: Page) -> Response:
    return await page.render(workflow_id, user)


@router.get("/renewals/{workflow_id}/panel")
async def renewal_panel(workflow_id: str, user: SignedIn, page: Page) -> Response:
    """The panel alone: the page redraws it live when the renewal changes elsewhere."""
    return await page.render(workflow_id, user, partial=True)


@router.post("/renewals/{workflow_id}/start")
async def start(workflow_id: str, user: SignedIn, page: Page, from_queue: bool = Form(default=False)) -> Response:
    outcome = await actions.start(page.db, page.temporal, workflow_id, user)
    if from_queue and outcome.error is None:
        return Response(status_code=204, headers={"HX-Redirect": f"/renewals/{workflow_id}"})
    return await page.after(workflow_id, user, outcome)


@router.post("/renewals/{workflow_id}/choose")
async def choose(
    workflow_id: str,
    user: SignedIn,
    page: Page,
    step_id: str = Form(max_length=100),
    value: str = Form(max_length=100),
) -> Response:
    outcome = await actions.choose(page.db, page.temporal, workflow_id, user, step_id, value)
    return await page.after(workflow_id, user, outcome)


@router.post("/renewals/{workflow_id}/steps/{step_id}/complete")
async def complete_step(
    workflow_id: str,
    step_id: str,
    user: SignedIn,
    page: Page,
    outcome: str = Form(max_length=100),
    notes: str = Form(default="", max_length=4000),
) -> Response:
    result = await actions.complete_step(page.db, page.temporal, workflow_id, user, step_id, outcome, notes)
    return await page.after(workflow_id, user, result)


@router.post("/renewals/{workflow_id}/complete")
async def complete(
    workflow_id: str,
    user: SignedIn,
    page: Page,
    outcome: str = Form(max_length=100),
    notes: str = Form(default="", max_length=4000),
    next_steps: str = Form(default="", max_length=4000),
    confidence: Literal["high", "medium", "low"] = Form(default="medium"),
    pending: Literal["", "send", "drop"] = Form(default="", description="what to do with an email awaiting approval"),
) -> Response:
    # An email still awaiting approval is never dropped silently: the CSM chooses to send it first (the renewal
    # stays open) or to drop it (withdrawn: renewal completed). The JSON API keeps its behaviour (it withdraws).
    await actions.ensure_may_act(page.db, page.temporal, workflow_id, user)
    async with page.db.session() as session:
        waiting = await approvals_store.pending_for_workflow(session, workflow_id)
    if waiting and pending != "drop":
        if pending == "send":
            notice = "Kept open: the email goes once a manager approves it. Complete the renewal after that."
            return await page.after(workflow_id, user, None, notice=notice)
        error = "An email to the customer is waiting for a manager's approval: send it first, or drop it."
        return await page.after(workflow_id, user, UpdateOutcome(error=error))
    steps = [line.strip() for line in next_steps.splitlines() if line.strip()]
    result = await actions.complete(page.db, page.temporal, workflow_id, user, outcome, notes, steps, confidence)
    return await page.after(workflow_id, user, result)


@router.post("/renewals/{workflow_id}/reassign")
async def reassign(
    workflow_id: str,
    user: Manager,
    page: Page,
    to_email: str = Form(max_length=200),
    reason: str = Form(default="", max_length=500),
) -> Response:
    result = await actions.reassign(page.db, page.temporal, workflow_id, user, to_email, reason)
    if page.request.headers.get("hx-target", "").startswith("reassign-"):
        if result.error:
            return Response(f'<p class="flash error">{escape(result.error)}</p>', media_type="text/html")
        return Response(f'<p class="flash ok">Reassigned to {escape(to_email)}.</p>', media_type="text/html")
    return await page.after(workflow_id, user, result)


@router.post("/renewals/{workflow_id}/cancel")
async def cancel(
    workflow_id: str, user: Manager, page: Page, reason: str = Form(min_length=1, max_length=500)
) -> Response:
    result = await actions.cancel(page.db, page.temporal, workflow_id, user, reason)
    return await page.after(workflow_id, user, result)
