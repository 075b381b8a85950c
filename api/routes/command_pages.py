"""The command center (seed 002): counts, recent runs with cost, the kill switch,
the daily LLM budget, the agents, one approvals queue for every workflow kind,
recent notifications. Each section is a partial that re-fetches itself when its
live topic changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api import agent_overruns, agent_service, campaign_view, control_service, retries, trends_view
from api.auth import Manager, Viewer
from api.control_service import BudgetBody, KillSwitchBody
from api.deps import DbDep, SettingsDep, TemporalDep, TemporalGetter, TemporalGetterDep
from api.html import InlineErrors, problem_text, render
from api.idempotency import PATTERN
from core.settings import Settings
from db import agent_runs_store, approvals_store, downstream, failed_signals
from db.engine import Database

router = APIRouter(tags=["command center"], route_class=InlineErrors, include_in_schema=False)
Section = Literal["downstream", "failures", "counts", "runs", "controls", "agents", "approvals", "notifications"]
RECENT_RUNS = 20
QUEUE_SIZE = 50


@dataclass(frozen=True)
class Sources:
    """What the sections read, declared once. Temporal stays a getter: only runs and agents need it,
    so the other sections answer while it is down."""

    db: Database
    temporal: TemporalGetter
    settings: Settings


async def sources(db: DbDep, temporal: TemporalGetterDep, settings: SettingsDep) -> Sources:
    return Sources(db, temporal, settings)


SourcesDep = Annotated[Sources, Depends(sources)]


async def _counts(src: Sources) -> dict[str, Any]:
    return {"m": await control_service.metrics(src.db)}


async def _runs(src: Sources) -> dict[str, Any]:
    overran = await agent_overruns.overruns(src.db, await src.temporal(), src.settings)
    async with src.db.session() as session:
        return {
            "runs": await agent_runs_store.runs(session, None, RECENT_RUNS),
            "names": await campaign_view.agent_names(session),
            "overran": overran,
        }


async def _controls(src: Sources) -> dict[str, Any]:
    ctl = await control_service.get_control(src.db)
    return {"ctl": {**ctl, "kill_switch": control_service.kill_state(ctl["kill_switch"])}}


async def _agents(src: Sources) -> dict[str, Any]:
    return {"cards": await agent_service.agent_cards(src.db, await src.temporal())}


async def _approvals(src: Sources) -> dict[str, Any]:
    async with src.db.session() as session:
        return {"queue": await approvals_store.listing(session, "pending", QUEUE_SIZE)}


async def _notifications(src: Sources) -> dict[str, Any]:
    async with src.db.session() as session:
        return {"notes": await approvals_store.recent_notifications(session, 15)}


async def _downstream(src: Sources) -> dict[str, Any]:
    async with src.db.session() as session:
        return {"waits": await downstream.by_system(session)}


async def _failures(src: Sources) -> dict[str, Any]:
    async with src.db.session() as session:
        return {"failures": await failed_signals.open_failures(session)}


SECTIONS: dict[str, Callable[[Sources], Awaitable[dict[str, Any]]]] = {
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
async def command_page(request: Request, _user: Viewer, src: SourcesDep) -> Response:
    context: dict[str, Any] = {}
    for load in SECTIONS.values():
        context.update(await load(src))
    context.update(await trends_view.chart_context(src.db, trends_view.COMMAND))
    return render(request, "command.html", context)


@router.get("/command/{section}")
async def command_section(request: Request, section: Section, _user: Viewer, src: SourcesDep) -> Response:
    return render(request, f"partials/campaigns/command_{section}.html", await SECTIONS[section](src))


async def _controls_response(request: Request, src: Sources, status_code: int = 200, **message: str) -> Response:
    context = {**await _controls(src), **message}
    return render(request, "partials/campaigns/command_controls.html", context, status_code, inline=status_code >= 400)


@router.post("/command/kill-switch")
async def kill_switch(
    request: Request,
    user: Manager,
    src: SourcesDep,
    client: TemporalDep,
    on: bool = Form(),
    reason: str = Form("", max_length=300),
) -> Response:
    if on and not reason.strip():
        return await _controls_response(request, src, 422, error="Say why you are stopping every agent.")
    await control_service.set_kill_switch(src.db, client, KillSwitchBody(on=on, reason=reason.strip()), user.email)
    notice = "Kill switch ON: agents stop before their next action." if on else "Kill switch off: agents run again."
    return await _controls_response(request, src, notice=notice)


@router.post("/command/budget")
async def budget(
    request: Request, user: Manager, src: SourcesDep, usd: str = Form("", max_length=20), clear: bool = Form(False)
) -> Response:
    try:
        body = BudgetBody.model_validate({"usd": None if clear else usd.strip().lstrip("$")})
    except ValidationError as exc:
        return await _controls_response(request, src, 422, error=f"Daily budget: {problem_text(exc)}")
    await control_service.set_budget(src.db, body, user.email)
    notice = "Daily budget removed." if body.usd is None else "Daily budget saved."
    return await _controls_response(request, src, notice=notice)


@router.post("/command/signals/{event_id}/retry")
async def retry_signal(
    request: Request,
    event_id: str,
    user: Manager,
    src: SourcesDep,
    client: TemporalDep,
    request_id: str | None = Form(None, pattern=PATTERN),
) -> Response:
    await retries.retry_signal(src.db, client, src.settings, event_id, request_id, user.email)
    context = {**await _failures(src), "notice": "Sent again: it is resolved once its analysis is stored."}
    return render(request, "partials/campaigns/command_failures.html", context)
