"""Managers' controls on the agents dashboard and the command center: run now,
pause/resume, settings, schedule changes. Each calls the agent service the JSON
API calls too, and answers with the re-rendered card or form, errors included."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from temporalio.service import RPCError, RPCStatusCode

from agent.agents import describe_schedule
from api import agent_service
from api.agent_service import ScheduleBody, SettingsBody
from api.auth import CurrentUser, Manager
from api.campaign_view import card_context
from api.deps import DbDep, SettingsDep, TemporalGetter, TemporalGetterDep
from api.html import InlineErrors, problem_text, render
from db.engine import Database

router = APIRouter(tags=["agent actions"], route_class=InlineErrors, include_in_schema=False)
View = Literal["card", "row"]
TEMPLATES = {"card": "partials/campaigns/agent_card.html", "row": "partials/campaigns/agent_row.html"}


async def _card(
    request: Request,
    db: Database,
    temporal: TemporalGetter,
    agent_id: str,
    view: View,
    selected: bool,
    **message: str,
) -> Response:
    card = await agent_service.card_for(db, await temporal(), agent_id)
    context = card_context(card, selected, **message)
    failed = "error" in message
    return render(request, TEMPLATES[view], context, 409 if failed else 200, inline=failed)


@router.post("/agents/{agent_id}/run")
async def run_now(
    request: Request,
    agent_id: str,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    settings: SettingsDep,
    dry_run: bool = Form(False),
    view: View = Form("card"),
    selected: bool = Form(False),
) -> Response:
    agent = await agent_service.get_agent(db, agent_id)
    await agent_service.run_now(await temporal(), settings, agent, dry_run)
    notice = "Dry run started: nothing will be changed." if dry_run else "Run started."
    return await _card(request, db, temporal, agent_id, view, selected, notice=notice)


@router.post("/agents/{agent_id}/pause")
async def pause(
    request: Request,
    agent_id: str,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    view: View = Form("card"),
    selected: bool = Form(False),
) -> Response:
    return await _set_paused(request, db, temporal, agent_id, True, view, selected, user)


@router.post("/agents/{agent_id}/resume")
async def resume(
    request: Request,
    agent_id: str,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    view: View = Form("card"),
    selected: bool = Form(False),
) -> Response:
    return await _set_paused(request, db, temporal, agent_id, False, view, selected, user)


async def _set_paused(
    request: Request,
    db: Database,
    temporal: TemporalGetter,
    agent_id: str,
    paused: bool,
    view: View,
    selected: bool,
    user: CurrentUser,
) -> Response:
    action = "pause" if paused else "resume"
    try:
        agent = await agent_service.get_agent(db, agent_id)
        await agent_service.set_paused(db, await temporal(), agent, paused, user.email)
    except RPCError as exc:
        reason = (
            "this workflow has no Temporal schedule yet (the worker creates schedules when it starts)"
            if exc.status == RPCStatusCode.NOT_FOUND
            else exc.message
        )
        return await _card(request, db, temporal, agent_id, view, selected, error=f"Could not {action}: {reason}.")
    return await _card(request, db, temporal, agent_id, view, selected, notice="Paused." if paused else "Resumed.")


@router.post("/agents/{agent_id}/settings")
async def save_settings(
    request: Request,
    agent_id: str,
    user: Manager,
    db: DbDep,
    dry_run: bool = Form(False),
    max_iterations: int = Form(),
    approval_required: bool = Form(False),
) -> Response:
    try:
        body = SettingsBody(dry_run=dry_run, max_iterations=max_iterations, approval_required=approval_required)
    except ValidationError as exc:
        context = {"agent": await agent_service.get_agent(db, agent_id), "error": problem_text(exc)}
        return render(request, "partials/campaigns/settings_form.html", context, 422, inline=True)
    await agent_service.update_settings(db, agent_id, body, user.email)
    agent = await agent_service.get_agent(db, agent_id)
    context = {"agent": agent, "notice": "Saved. The next run uses these settings."}
    return render(request, "partials/campaigns/settings_form.html", context)


@router.post("/agents/{agent_id}/schedule")
async def change_schedule(
    request: Request,
    agent_id: str,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    settings: SettingsDep,
    kind: Literal["cron", "every"] = Form(),
    cron: str = Form("", max_length=100),
    every_minutes: str = Form("", max_length=10),
) -> Response:
    agent = await agent_service.get_agent(db, agent_id)
    form = {"agent": agent, "kind": kind, "schedule_text": describe_schedule(agent.schedule)}
    try:
        if kind == "cron":
            body = ScheduleBody(cron=cron.strip())
        else:
            body = ScheduleBody.model_validate({"every_minutes": every_minutes.strip() or None})
    except ValidationError as exc:
        context = {**form, "error": problem_text(exc)}
        return render(request, "partials/campaigns/schedule_form.html", context, 422, inline=True)
    await agent_service.request_schedule_change(await temporal(), settings, agent, body.spec(), user.email)
    notice = "Approval requested: the change applies once a manager approves it."
    return render(request, "partials/campaigns/schedule_form.html", {**form, "notice": notice})
