"""The command center (seed 002): counts, recent runs with cost, the kill switch,
the daily LLM budget, the agents, one approvals queue for every workflow kind,
recent notifications. Each section is a partial that re-fetches itself when its
live topic changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api import agent_overruns, agent_service, campaign_view, control_service, retries, trends_view
from api.auth import CurrentUser, Manager, Viewer
from api.control_service import BudgetBody, KillSwitchBody
from api.deps import DbDep, TemporalDep, get_db, get_settings_dep, get_temporal
from api.html import InlineErrors, problem_text, render
from api.idempotency import PATTERN
from db import agent_runs_store, approvals_store, downstream, failed_signals

router = APIRouter(tags=["command center"], route_class=InlineErrors, include_in_schema=False)
Section = Literal["downstream", "failures", "counts", "runs", "controls", "agents", "approvals", "notifications"]
RECENT_RUNS = 20
QUEUE_SIZE = 50


async def _counts(request: Request, _user: CurrentUser) -> dict[str, Any]:
    return {"m": await control_service.metrics(get_db(request))}


async def _runs(request: Request, _user: CurrentUser) -> dict[str, Any]:
    db = get_db(request)
    overran = await agent_overruns.overruns(db, await get_temporal(request), get_settings_dep(request))
    async with db.session() as session:
        return {
            "runs": await agent_runs_store.runs(session, None, RECENT_RUNS),
            "names": await campaign_view.agent_names(session),
            "overran": overran,
        }


async def _controls(request: Request, _user: CurrentUser) -> dict[str, Any]:
    ctl = await control_service.get_control(get_db(request))
    return {"ctl": {**ctl, "kill_switch": control_service.kill_state(ctl["kill_switch"])}}


async def _agents(request: Request, _user: CurrentUser) -> dict[str, Any]:
    return {"cards": await agent_service.agent_cards(get_db(request), await get_temporal(request))}


async def _approvals(request: Request, _user: CurrentUser) -> dict[str, Any]:
    async with get_db(request).session() as session:
        return {"queue": await approvals_store.listing(session, "pending", QUEUE_SIZE)}


async def _notifications(request: Request, _user: CurrentUser) -> dict[str, Any]:
    async with get_db(request).session() as session:
        return {"notes": await approvals_store.recent_notifications(session, 15)}


async def _downstream(request: Request, _user: CurrentUser) -> dict[str, Any]:
    async with get_db(request).session() as session:
        return {"waits": await downstream.by_system(session)}


async def _failures(request: Request, _user: CurrentUser) -> dict[str, Any]:
    async with get_db(request).session() as session:
        return {"failures": await failed_signals.open_failures(session)}


SECTIONS: dict[str, Callable[[Request, CurrentUser], Awaitable[dict[str, Any]]]] = {
    "downstream": _downstream,
    "failures": _failures,
    "counts": _counts,
    "runs": _runs,
    "controls": _controls,
    "agents": _agents,
    "approvals": _approvals,
    "notifications": _notifications,
}


@router.get("/command")
async def command_page(request: Request, user: Viewer) -> Response:
    context: dict[str, Any] = {}
    for load in SECTIONS.values():
        context.update(await load(request, user))
    context.update(await trends_view.chart_context(get_db(request), trends_view.COMMAND))
    return render(request, "command.html", context)


@router.get("/command/{section}")
async def command_section(request: Request, section: Section, user: Viewer) -> Response:
    return render(request, f"partials/campaigns/command_{section}.html", await SECTIONS[section](request, user))


async def _controls_response(request: Request, user: CurrentUser, status_code: int = 200, **message: str) -> Response:
    context = {**await _controls(request, user), **message}
    return render(request, "partials/campaigns/command_controls.html", context, status_code, inline=status_code >= 400)


@router.post("/command/kill-switch")
async def kill_switch(
    request: Request,
    user: Manager,
    db: DbDep,
    client: TemporalDep,
    on: bool = Form(),
    reason: str = Form("", max_length=300),
) -> Response:
    if on and not reason.strip():
        return await _controls_response(request, user, 422, error="Say why you are stopping every agent.")
    await control_service.set_kill_switch(db, client, KillSwitchBody(on=on, reason=reason.strip()), user.email)
    notice = "Kill switch ON: agents stop before their next action." if on else "Kill switch off: agents run again."
    return await _controls_response(request, user, notice=notice)


@router.post("/command/budget")
async def budget(
    request: Request, user: Manager, db: DbDep, usd: str = Form("", max_length=20), clear: bool = Form(False)
) -> Response:
    try:
        body = BudgetBody.model_validate({"usd": None if clear else usd.strip().lstrip("$")})
    except ValidationError as exc:
        return await _controls_response(request, user, 422, error=f"Daily budget: {problem_text(exc)}")
    await control_service.set_budget(db, body, user.email)
    notice = "Daily budget removed." if body.usd is None else "Daily budget saved."
    return await _controls_response(request, user, notice=notice)


@router.post("/command/signals/{event_id}/retry")
async def retry_signal(
    request: Request,
    event_id: str,
    user: Manager,
    db: DbDep,
    client: TemporalDep,
    request_id: str | None = Form(None, pattern=PATTERN),
) -> Response:
    await retries.retry_signal(db, client, get_settings_dep(request), event_id, request_id, user.email)
    context = {**await _failures(request, user), "notice": "Sent again: it is resolved once its analysis is stored."}
    return render(request, "partials/campaigns/command_failures.html", context)
