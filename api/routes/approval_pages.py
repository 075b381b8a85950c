"""Approvals in the browser: the list, one approval's page (the link managers
get by email and Slack), the card partial, and decisions. Decisions go through
approval_service (as the JSON API's do), so the workflow's validator has the
last word; its reason is shown on the card."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api import approval_service, control_service, idempotency
from api.approval_service import DecisionBody
from api.auth import Manager, Viewer
from api.deps import DbDep, TemporalGetterDep
from api.html import InlineErrors, problem_text, render
from api.idempotency import IdempotencyHeader
from db import approvals_store, inbox_store
from db.engine import Database
from db.models import Approval
from db.models.approvals import APPROVAL_STATUSES

router = APIRouter(tags=["approval pages"], route_class=InlineErrors, include_in_schema=False)
View = Literal["full", "row"]
TEMPLATES = {"full": "partials/campaigns/approval_card.html", "row": "partials/campaigns/approval_row.html"}
Decision = Literal["all", "selected", "edited", "deny"]


async def _approval(db: Database, approval_id: str) -> Approval | None:
    async with db.session() as session:
        return await approvals_store.get(session, approval_id)


def card(request: Request, approval: Approval, view: View, status_code: int = 200, **message: str) -> Response:
    context = {"a": approval, "view": view, **message}
    return render(request, TEMPLATES[view], context, status_code, inline=status_code >= 400)


@router.get("/approvals")
async def approvals_page(
    request: Request, user: Viewer, db: DbDep, status: str = Query("pending", max_length=30)
) -> Response:
    status = status if status in (*APPROVAL_STATUSES, "all") else "pending"
    async with db.session() as session:
        rows = await approvals_store.listing(session, None if status == "all" else status, 200)
        escalations = await inbox_store.open_escalations(session)
    counts = (await control_service.metrics(db))["approvals"]
    return render(
        request,
        "approvals.html",
        {"rows": rows, "status": status, "statuses": APPROVAL_STATUSES, "counts": counts, "escalations": escalations},
    )


@router.get("/approvals/{approval_id}")
async def approval_page(request: Request, approval_id: str, _user: Viewer, db: DbDep) -> Response:
    approval = await _approval(db, approval_id)
    if approval is None:
        context = {"title": "Not found", "message": f"No approval {approval_id}."}
        return render(request, "error.html", context, 404)
    return render(request, "approval.html", {"a": approval, "view": "full"})


@router.get("/approvals/{approval_id}/card")
async def approval_card(request: Request, approval_id: str, _user: Viewer, db: DbDep, view: View = "full") -> Response:
    approval = await _approval(db, approval_id)
    if approval is None:
        raise HTTPException(404, f"no approval {approval_id!r}")
    return card(request, approval, view)


def decision_body(decision: Decision, form: FormData) -> DecisionBody:
    """The card's buttons: approve all, approve the ticked items, approve with edits, deny (with a reason)."""
    if decision == "deny":
        return DecisionBody(approve=False, reason=str(form.get("reason", "")))
    if decision == "selected":
        return DecisionBody(approve=True, item_ids=[str(i) for i in form.getlist("item")])
    if decision == "edited":
        edits = {key.removeprefix("edit:"): str(value) for key, value in form.multi_items() if key.startswith("edit:")}
        return DecisionBody(approve=True, edits=edits)
    return DecisionBody(approve=True)


@router.post("/approvals/{approval_id}/decide")
async def decide(
    request: Request,
    approval_id: str,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    decision: Decision = Form(),
    view: View = Form("full"),
    request_id: str | None = Form(None, pattern=idempotency.PATTERN),
    idempotency_key: IdempotencyHeader = None,
) -> Response:
    approval = await _approval(db, approval_id)
    if approval is None:
        raise HTTPException(404, f"no approval {approval_id!r}")
    try:
        body = decision_body(decision, await request.form())
        body.request_id = request_id
        outcome = await approval_service.decide(await temporal(), approval, body, user.actor, idempotency_key)
    except (HTTPException, ValidationError) as exc:
        status = exc.status_code if isinstance(exc, HTTPException) else 422
        return card(request, approval, view, status, error=problem_text(exc))
    decided = await _approval(db, approval_id)
    assert decided is not None
    approved = len(outcome["approved_ids"])
    notice = "Denied." if outcome["status"] == "denied" else f"Approved {approved} of {len(approval.items)}."
    return card(request, decided, view, notice=notice)
