"""JSON API for the autonomous agents: status, run now, pause/resume, settings,
schedule changes (an approval), runs and their threads, the tool catalog."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel

from agent.catalog import TOOLS
from api import agent_service, idempotency
from api.agent_service import ScheduleBody, SettingsBody  # the request bodies, shared with the pages
from api.auth import Manager, SignedIn
from api.campaign_schemas import (
    AgentOut,
    AgentPausedOut,
    RunDetailOut,
    RunOut,
    RunStartedOut,
    ScheduleRequestedOut,
    SettingsChangedOut,
    ToolOut,
)
from api.deps import DB_INT_MAX, DbDep, SettingsDep, TemporalDep, TemporalGetterDep
from api.idempotency import IdempotencyHeader, RequestIdField
from db import agent_runs_store
from rules.spreadsheet import safe_rows

router = APIRouter(prefix="/api", tags=["agents"])


class RunNowBody(BaseModel):
    dry_run: bool | None = None
    request_id: RequestIdField = None


@router.get("/agents", response_model=list[AgentOut])
async def list_agents(db: DbDep, _user: SignedIn, client: TemporalDep) -> list[dict[str, Any]]:
    cards = await agent_service.agent_cards(db, client)
    return [_agent(c) for c in cards]


def _agent(c: agent_service.AgentCard) -> dict[str, Any]:
    return {
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


@router.post("/agents/{agent_id}/run", status_code=202, response_model=RunStartedOut)
async def run_now(
    agent_id: str,
    _user: Manager,
    settings: SettingsDep,
    db: DbDep,
    temporal: TemporalGetterDep,
    body: RunNowBody | None = None,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, str]:
    agent = await agent_service.get_agent(db, agent_id)
    rid = idempotency.request_id(body.request_id if body else None, idempotency_key)
    dry_run = body.dry_run if body else None
    run_id = await agent_service.run_now(await temporal(), settings, agent, dry_run, rid)
    return {"run_id": run_id}


@router.post("/agents/{agent_id}/pause", response_model=AgentPausedOut)
async def pause(agent_id: str, user: Manager, db: DbDep, temporal: TemporalGetterDep) -> dict[str, Any]:
    agent = await agent_service.get_agent(db, agent_id)
    await agent_service.set_paused(db, await temporal(), agent, True, user.email)
    return {"id": agent_id, "paused": True}


@router.post("/agents/{agent_id}/resume", response_model=AgentPausedOut)
async def resume(agent_id: str, user: Manager, db: DbDep, temporal: TemporalGetterDep) -> dict[str, Any]:
    agent = await agent_service.get_agent(db, agent_id)
    await agent_service.set_paused(db, await temporal(), agent, False, user.email)
    return {"id": agent_id, "paused": False}


@router.patch("/agents/{agent_id}/settings", response_model=SettingsChangedOut, response_model_exclude_unset=True)
async def update_settings(agent_id: str, body: SettingsBody, user: Manager, db: DbDep) -> dict[str, Any]:
    changes = await agent_service.update_settings(db, agent_id, body, user.email)
    return {"id": agent_id, **changes}


@router.post("/agents/{agent_id}/schedule", status_code=202, response_model=ScheduleRequestedOut)
async def change_schedule(
    agent_id: str,
    body: ScheduleBody,
    user: Manager,
    settings: SettingsDep,
    db: DbDep,
    temporal: TemporalGetterDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, str]:
    agent = await agent_service.get_agent(db, agent_id)
    rid = idempotency.request_id(body.request_id, idempotency_key)
    workflow_id = await agent_service.request_schedule_change(
        await temporal(), settings, agent, body.spec(), user.email, rid
    )
    return {"status": "approval requested", "workflow_id": workflow_id}


@router.get("/runs", response_model=list[RunOut])
async def list_runs(
    db: DbDep, _user: SignedIn, agent_id: str | None = None, limit: int = Query(20, ge=1, le=200)
) -> list[dict[str, Any]]:
    async with db.session() as session:
        return [_run(r) for r in await agent_runs_store.runs(session, agent_id, limit)]


@router.get("/runs/{run_id}", response_model=RunDetailOut)
async def get_run(
    run_id: str, db: DbDep, _user: SignedIn, after: int = Query(0, ge=0, le=DB_INT_MAX)
) -> dict[str, Any]:
    async with db.session() as session:
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


@router.get(
    "/tool-results/{result_id}.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The whole result, one row per target"}},
)
async def tool_result_csv(result_id: str, db: DbDep, _user: SignedIn) -> Response:
    async with db.session() as session:
        result = await agent_runs_store.tool_result(session, result_id)
    if result is None:
        raise HTTPException(404, "no such result")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(result.columns)
    writer.writerows(safe_rows(result.rows))
    filename = f"{result.tool}-{result_id.rsplit(':', 1)[-1]}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/tools", response_model=list[ToolOut])
async def tool_catalog(_user: SignedIn) -> list[dict[str, Any]]:
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
