"""Agents, runs and approvals as the API sees them: Temporal for schedules and
decisions, the database for history. The JSON API and the dashboard's actions
both call these (explicit arguments, no Request), so both enforce the same rules."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import HTTPException
from pydantic import BaseModel, Field, model_validator
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from agent.agents import describe_schedule
from api.deps import NoBool
from api.idempotency import RequestIdField
from contracts import ids, names
from contracts.approvals import ApprovalDecision, ApprovalOutcome
from contracts.campaigns import AgentRunInput, AgentSettings, ScheduleChangeInput
from core.settings import Settings
from db import agent_runs_store, live
from db.engine import Database
from db.models import Agent, AgentRun


class SettingsBody(BaseModel):
    dry_run: bool | None = None
    max_iterations: Annotated[int | None, NoBool] = Field(None, ge=1, le=50)
    approval_required: bool | None = None


class ScheduleBody(BaseModel):
    cron: str | None = Field(None, pattern=r"^(\S+\s+){4}\S+$", description="five-field cron, club time zone")
    every_minutes: Annotated[int | None, NoBool] = Field(None, ge=5, le=7 * 24 * 60)
    request_id: RequestIdField = None

    @model_validator(mode="after")
    def _one(self) -> ScheduleBody:
        if (self.cron is None) == (self.every_minutes is None):
            raise ValueError("give exactly one of cron or every_minutes")
        return self

    def spec(self) -> dict[str, Any]:
        return {"cron": self.cron} if self.cron else {"every_minutes": self.every_minutes}


async def get_agent(db: Database, agent_id: str) -> Agent:
    async with db.session() as session:
        agent = await session.get(Agent, agent_id)
    if agent is None:
        raise HTTPException(404, f"no agent {agent_id!r}")
    return agent


@dataclass
class AgentCard:
    agent: Agent
    schedule_text: str
    next_run: datetime | None
    stats: agent_runs_store.AgentStats | None
    current: AgentRun | None  # a run still going (running or waiting for approval)

    @property
    def status(self) -> str:
        if self.current is not None:
            return self.current.status
        return "paused" if self.agent.paused else "scheduled"


async def _next_run(client: Client, agent_id: str) -> datetime | None:
    try:
        desc = await client.get_schedule_handle(ids.agent_schedule(agent_id)).describe()
    except RPCError:
        return None
    times = desc.info.next_action_times
    return times[0] if times else None


async def agent_cards(db: Database, client: Client) -> list[AgentCard]:
    async with db.session() as session:
        agents = await agent_runs_store.agents(session)
        stats = await agent_runs_store.stats(session)
        current = await agent_runs_store.going_runs(session)
    nexts = await asyncio.gather(*(_next_run(client, a.id) for a in agents))
    return [
        AgentCard(a, describe_schedule(a.schedule), n, stats.get(a.id), current.get(a.id))
        for a, n in zip(agents, nexts, strict=True)
    ]


async def _start_once(client: Client, request_id: str | None, *args: Any, **kwargs: Any) -> None:
    """Starts a workflow; with a request id (part of the workflow id) a repeated request starts nothing more."""
    if request_id is None:
        await client.start_workflow(*args, **kwargs)
        return
    with contextlib.suppress(WorkflowAlreadyStartedError):  # the first request's workflow already finished
        await client.start_workflow(
            *args,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            **kwargs,
        )


async def card_for(db: Database, client: Client, agent_id: str) -> AgentCard:
    found = next((c for c in await agent_cards(db, client) if c.agent.id == agent_id), None)
    if found is None:
        raise HTTPException(404, f"no agent {agent_id!r}")
    return found


async def run_now(
    client: Client, settings: Settings, agent: Agent, dry_run: bool | None, request_id: str | None = None
) -> str:
    overrides = None
    if dry_run is not None:
        overrides = AgentSettings(
            dry_run=dry_run,
            max_iterations=agent.max_iterations,
            approval_required=agent.approval_required,
            approval_ttl_s=settings.club.approval_ttl_s,
        )
    run_id = ids.agent_run_manual(agent.id, datetime.now(UTC), request_id)
    await _start_once(
        client,
        request_id,
        names.AGENT_RUN,
        AgentRunInput(agent_id=agent.id, trigger="manual", settings=overrides),
        id=run_id,
        task_queue=settings.temporal.task_queue,
        static_summary=f"{agent.name} (run now)",
        execution_timeout=settings.agent_run_timeout,
    )
    return run_id


async def set_paused(db: Database, client: Client, agent: Agent, paused: bool, by: str) -> None:
    handle = client.get_schedule_handle(ids.agent_schedule(agent.id))
    note = f"{'paused' if paused else 'resumed'} by {by}"
    await (handle.pause(note=note) if paused else handle.unpause(note=note))
    async with db.transaction() as session:
        row = await session.get(Agent, agent.id)
        assert row is not None
        row.paused = paused
        live.publish(session, "agent", agent.id, {"paused": paused, "by": by})


async def update_settings(db: Database, agent_id: str, body: SettingsBody, by: str) -> dict[str, Any]:
    """Applies the fields given; the next run reads them. Returns what changed."""
    async with db.transaction() as session:
        agent = await session.get(Agent, agent_id)
        if agent is None:
            raise HTTPException(404, f"no agent {agent_id!r}")
        changes = body.model_dump(exclude_none=True)
        for key, value in changes.items():
            setattr(agent, key, value)
        live.publish(session, "agent", agent_id, {"settings": changes, "by": by})
    return changes


async def request_schedule_change(
    client: Client, settings: Settings, agent: Agent, proposed: dict[str, Any], by: str, request_id: str | None = None
) -> str:
    workflow_id = ids.schedule_change(agent.id, datetime.now(UTC), request_id)
    await _start_once(
        client,
        request_id,
        names.SCHEDULE_CHANGE,
        ScheduleChangeInput(
            agent_id=agent.id,
            agent_name=agent.name,
            current=agent.schedule,
            proposed=proposed,
            requested_by=by,
            ttl_s=settings.club.approval_ttl_s,
        ),
        id=workflow_id,
        task_queue=settings.temporal.task_queue,
        static_summary=f"Schedule change for {agent.name}",
    )
    return workflow_id


class DecisionRejected(Exception):
    pass


async def decide(
    client: Client, workflow_id: str, decision: ApprovalDecision, update_id: str | None = None
) -> ApprovalOutcome:
    """Sends the decision to the workflow that asked; its validator has the last word. With `update_id` (from the
    request's idempotency id) a repeated request gets the first one's outcome: Temporal deduplicates update ids."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.execute_update(names.DECIDE_APPROVAL, decision, id=update_id, result_type=ApprovalOutcome)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        raise DecisionRejected(str(getattr(cause, "message", None) or cause or exc)) from exc
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise DecisionRejected("the workflow that asked for this approval is no longer running") from exc
        raise
