"""JSON API for the autonomous agents: status, run now, pause/resume, settings,
schedule changes (an approval), runs and their threads, the tool catalog."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, model_validator

from agent.catalog import TOOLS
from api import agent_service, idempotency
from api.auth import CurrentUser, current_user, require_role
from api.deps import get_db, get_settings_dep, get_temporal
from api.idempotency import IdempotencyHeader, RequestIdField
from core.settings import Settings
from db import agent_runs_store, live
from db.models import Agent

router = APIRouter(prefix="/api", tags=["agents"])
manager = require_role("manager")


class RunNowBody(BaseModel):
    dry_run: bool | None = None
    request_id: RequestIdField = None


class SettingsBody(BaseModel):
    dry_run: bool | None = None
    max_iterations: int | None = Field(None, ge=1, le=50)
    approval_required: bool | None = None


class ScheduleBody(BaseModel):
    cron: str | None = Field(None, pattern=r"^(\S+\s+){4}\S+$", description="five-field cron, club time zone")
    every_minutes: int | None = Field(None, ge=5, le=7 * 24 * 60)
    request_id: RequestIdField = None

    @model_validator(mode="after")
    def _one(self) -> ScheduleBody:
        if (self.cron is None) == (self.every_minutes is None):
            raise ValueError("give exactly one of cron or every_minutes")
        return self

    def spec(self) -> dict[str, Any]:
        return {"cron": self.cron} if self.cron else {"every_minutes": self.every_minutes}


async def _agent(request: Request, agent_id: str) -> Agent:
    async with get_db(request).session() as session:
        agent = await session.get(Agent, agent_id)
    if agent is None:
        raise HTTPException(404, f"no agent {agent_id!r}")
    return agent


@router.get("/agents")
async def list_agents(request: Request, _user: CurrentUser = Depends(current_user)) -> list[dict[str, Any]]:
    cards = await agent_service.agent_cards(get_db(request), await get_temporal(request))
    return [
        {
            "id": c.agent.id,
            "name": c.agent.name,
            "goal": c.agent.goal,
            "status": c.status,
            "schedule": c.agent.schedule,
            "schedule_text": c.schedule_text,
            "paused": c.agent.paused,
            "next_run": c.next_run.isoformat() if c.next_run else None,
            "settings": {
                "dry_run": c.agent.dry_run,
                "max_iterations": c.agent.max_iterations,
                "approval_required": c.agent.approval_required,
            },
            "stats": {
                "total_runs": c.stats.total_runs,
                "success_rate": c.stats.success_rate,
                "avg_duration_s": c.stats.avg_duration_s,
            }
            if c.stats
            else None,
            "last_run": _run(c.stats.last) if c.stats and c.stats.last else None,
        }
        for c in cards
    ]


def _run(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "agent_id": r.agent_id,
        "status": r.status,
        "trigger": r.trigger,
        "planner": r.planner,
        "dry_run": r.dry_run,
        "started_at": r.started_at.isoformat(),
        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
        "duration_s": r.duration_s,
        "iterations": r.iterations,
        "tool_calls": r.tool_calls,
        "tools_used": r.tools_used,
        "cost_usd": r.cost_usd,
        "input_tokens": r.input_tokens,
        "output_tokens": r.output_tokens,
        "summary": r.summary,
    }


@router.post("/agents/{agent_id}/run", status_code=202)
async def run_now(
    request: Request,
    agent_id: str,
    body: RunNowBody | None = None,
    settings: Settings = Depends(get_settings_dep),
    _user: CurrentUser = Depends(manager),
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, str]:
    agent = await _agent(request, agent_id)
    rid = idempotency.request_id(body.request_id if body else None, idempotency_key)
    dry_run = body.dry_run if body else None
    run_id = await agent_service.run_now(await get_temporal(request), settings, agent, dry_run, rid)
    return {"run_id": run_id}


@router.post("/agents/{agent_id}/pause")
async def pause(request: Request, agent_id: str, user: CurrentUser = Depends(manager)) -> dict[str, Any]:
    agent = await _agent(request, agent_id)
    await agent_service.set_paused(get_db(request), await get_temporal(request), agent, True, user.email)
    return {"id": agent_id, "paused": True}


@router.post("/agents/{agent_id}/resume")
async def resume(request: Request, agent_id: str, user: CurrentUser = Depends(manager)) -> dict[str, Any]:
    agent = await _agent(request, agent_id)
    await agent_service.set_paused(get_db(request), await get_temporal(request), agent, False, user.email)
    return {"id": agent_id, "paused": False}


@router.patch("/agents/{agent_id}/settings")
async def update_settings(
    request: Request, agent_id: str, body: SettingsBody, user: CurrentUser = Depends(manager)
) -> dict[str, Any]:
    async with get_db(request).transaction() as session:
        agent = await session.get(Agent, agent_id)
        if agent is None:
            raise HTTPException(404, f"no agent {agent_id!r}")
        changes = body.model_dump(exclude_none=True)
        for key, value in changes.items():
            setattr(agent, key, value)
        live.publish(session, "agent", agent_id, {"settings": changes, "by": user.email})
    return {"id": agent_id, **changes}


@router.post("/agents/{agent_id}/schedule", status_code=202)
async def change_schedule(
    request: Request,
    agent_id: str,
    body: ScheduleBody,
    settings: Settings = Depends(get_settings_dep),
    user: CurrentUser = Depends(manager),
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, str]:
    agent = await _agent(request, agent_id)
    rid = idempotency.request_id(body.request_id, idempotency_key)
    workflow_id = await agent_service.request_schedule_change(
        await get_temporal(request), settings, agent, body.spec(), user.email, rid
    )
    return {"status": "approval requested", "workflow_id": workflow_id}


@router.get("/runs")
async def list_runs(
    request: Request,
    agent_id: str | None = None,
    limit: int = Query(20, ge=1, le=200),
    _user: CurrentUser = Depends(current_user),
) -> list[dict[str, Any]]:
    async with get_db(request).session() as session:
        return [_run(r) for r in await agent_runs_store.runs(session, agent_id, limit)]


@router.get("/runs/{run_id}")
async def get_run(
    request: Request, run_id: str, after: int = Query(0, ge=0), _user: CurrentUser = Depends(current_user)
) -> dict[str, Any]:
    async with get_db(request).session() as session:
        run = await agent_runs_store.get_run(session, run_id)
        if run is None:
            raise HTTPException(404, f"no run {run_id!r}")
        events = await agent_runs_store.events(session, run_id, after)
    return {
        **_run(run),
        "events": [
            {
                "seq": e.seq,
                "kind": e.kind,
                "title": e.title,
                "body": e.body,
                "data": e.data,
                "at": e.created_at.isoformat(),
            }
            for e in events
        ],
    }


@router.get("/tool-results/{result_id}.csv")
async def tool_result_csv(request: Request, result_id: str, _user: CurrentUser = Depends(current_user)) -> Response:
    async with get_db(request).session() as session:
        result = await agent_runs_store.tool_result(session, result_id)
    if result is None:
        raise HTTPException(404, "no such result")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(result.columns)
    writer.writerows([[_safe_cell(c) for c in row] for row in result.rows])
    filename = f"{result.tool}-{result_id.rsplit(':', 1)[-1]}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _safe_cell(value: Any) -> Any:
    """Spreadsheet formula injection: a member name like '=HYPERLINK(...)' stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@router.get("/tools")
async def tool_catalog(_user: CurrentUser = Depends(current_user)) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "category": t.category,
            "description": t.description,
            "risk": t.risk.value,
            "input_schema": t.input_model.model_json_schema(),
        }
        for t in TOOLS
    ]
