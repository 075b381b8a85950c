"""What managers do in the inbox: reply, take over and hand back, mark read, rate
an AI reply, decide an AI draft, and the assistant's mode and sync. Each goes
through the service the JSON API uses (inbox_service, approval_service), so both
paths enforce the same rules; the response is the part of the page that changed, and
`HX-Trigger: inbox-changed` refreshes the rest even without the live feed."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError
from temporalio.service import RPCError

from api import approval_service, inbox_service
from api.approval_service import DecisionBody
from api.auth import Manager
from api.deps import DbDep, DbId, SettingsDep, TemporalGetterDep
from api.html import InlineErrors, problem_text, render
from api.inbox_page_view import NO_FILTERS, controls_context, message_view, thread_context
from api.inbox_service import IntervalBody
from contracts import names

router = APIRouter(tags=["inbox actions"], route_class=InlineErrors, include_in_schema=False)
CHANGED = {"HX-Trigger": "inbox-changed"}


def _part(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    inline = status_code >= 400
    response = render(request, template, context, status_code, inline=inline)
    if not inline:
        response.headers.update(CHANGED)
    return response


@router.post("/inbox/thread/{conversation_id}/read")
async def read(conversation_id: str, user: Manager, db: DbDep) -> Response:
    await inbox_service.mark_read(db, conversation_id)
    return Response(status_code=204)


@router.post("/inbox/thread/{conversation_id}/reply")
async def reply(
    request: Request,
    conversation_id: str,
    user: Manager,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalGetterDep,
    body: str = Form("", max_length=1600),
) -> Response:
    context = await thread_context(db, conversation_id, NO_FILTERS)
    if not body.strip():
        return _part(request, "partials/inbox/reply.html", {**context, "error": "Write a reply first."}, 422)
    result = await inbox_service.staff_reply(db, temporal, settings, conversation_id, body.strip(), user)
    if result.state != "sent":
        error = f"Not sent ({result.state}): {result.detail}"
        return _part(request, "partials/inbox/reply.html", {**context, "error": error, "body": body}, 409)
    return _part(request, "partials/inbox/reply.html", {**context, "notice": "Sent."})


@router.post("/inbox/thread/{conversation_id}/{action}")
async def hand_over(
    request: Request, conversation_id: str, action: Literal["takeover", "handback"], user: Manager, db: DbDep
) -> Response:
    await inbox_service.set_ai_handling(db, conversation_id, action == "handback")
    context = await thread_context(db, conversation_id, NO_FILTERS)
    notice = "You took over: the AI will not answer here." if action == "takeover" else "Handed back to the AI."
    return _part(request, "partials/inbox/head.html", {**context, "notice": notice})


@router.post("/inbox/messages/{message_id}/rate")
async def rate(
    request: Request, message_id: DbId, user: Manager, db: DbDep, rating: int = Form(ge=1, le=5)
) -> Response:
    await inbox_service.rate(db, message_id, rating, user.email)
    return _part(request, "partials/inbox/rating.html", {"v": await message_view(db, message_id)})


Decision = Literal["approve", "edited", "deny"]


@router.post("/inbox/drafts/{message_id}/decide")
async def decide_draft(
    request: Request,
    message_id: DbId,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    decision: Decision = Form(),
    body: str = Form("", max_length=1600),
    reason: str = Form("", max_length=1000),
) -> Response:
    """Approve the AI's draft as it is or edited, or deny it with a reason: the
    approvals' own `decide`, so the triage workflow's validator has the last word."""
    v = await message_view(db, message_id)
    if v.approval is None:
        raise HTTPException(409, "this draft has no approval request (yet)")
    try:
        if decision == "deny":
            choice = DecisionBody(approve=False, reason=reason.strip())
        elif decision == "edited":  # blank or unchanged is refused by the approval service, never sent as the draft
            choice = DecisionBody(approve=True, edits={"body": body.strip()})
        else:
            choice = DecisionBody(approve=True)
        approval = await approval_service.get_approval(db, v.approval.id)
        outcome = await approval_service.decide(await temporal(), approval, choice, user.actor)
    except (HTTPException, ValidationError) as exc:
        status = exc.status_code if isinstance(exc, HTTPException) else 422
        return _part(request, "partials/inbox/draft.html", {"v": v, "error": problem_text(exc), "body": body}, status)
    notice = "Denied: nothing was sent." if outcome["status"] == "denied" else "Approved: the reply is being sent."
    v = await message_view(db, message_id)
    return _part(request, "partials/inbox/draft.html", {"v": v, "notice": notice})


@router.post("/inbox/mode")
async def mode(
    request: Request,
    user: Manager,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalGetterDep,
    mode: Literal["off", "suggest", "auto"] = Form(),
) -> Response:
    await inbox_service.set_mode(db, mode, user.email)
    labels = {
        "off": "AI assistant off.",
        "suggest": "Suggest mode: the AI drafts, staff send.",
        "auto": "Auto-pilot on.",
    }
    return _part(
        request,
        "partials/inbox/controls.html",
        {**await controls_context(db, settings, temporal), "notice": labels[mode]},
    )


@router.post("/inbox/sync")
async def sync(
    request: Request,
    user: Manager,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalGetterDep,
    seconds: str = Form("", max_length=10),
    now: bool = Form(False),
) -> Response:
    """ "Sync now", or a new poll interval (1 to 3600 seconds): signals to the sync workflow."""
    template = "partials/inbox/controls.html"
    try:
        if now:
            await inbox_service.signal_sync(await temporal(), names.INBOX_SYNC_POKE)
            notice, seconds_set = "Syncing with ClubOS now.", None
        else:
            body = IntervalBody.model_validate({"seconds": seconds.strip() or None})
            client = await temporal()
            await inbox_service.signal_sync(client, names.INBOX_SYNC_SET_POLL_INTERVAL, body.seconds)
            notice, seconds_set = f"ClubOS is polled every {body.seconds:g} s.", body.seconds
    except ValidationError as exc:
        context = {**await controls_context(db, settings, temporal), "error": f"Poll interval: {problem_text(exc)}"}
        return _part(request, template, context, 422)
    except RPCError as exc:
        context = {
            **await controls_context(db, settings, temporal),
            "error": f"The inbox sync is not running ({exc.message}).",
        }
        return _part(request, template, context, 409)
    context = await controls_context(db, settings, temporal)
    if seconds_set is not None and context["sync"] is not None:
        # The query can answer before the workflow applied the signal: show what was asked.
        context["sync"] = context["sync"].model_copy(update={"poll_interval_s": seconds_set})
    return _part(request, template, {**context, "notice": notice})
