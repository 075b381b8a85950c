"""Temporal Schedules replace cron: one schedule per agent (`agent-<id>`), each
starting an AgentRunWorkflow. `ensure_schedules` reconciles them with the agents
and settings (creates what is missing, brings the others' spec and action up to
date, keeping an operator's pause) and is safe to run on every start."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from agent.agents import DEFAULT_AGENTS
from contracts import ids, names
from contracts.campaigns import AgentRunInput
from core.settings import Settings
from db.engine import Database
from db.models import Agent


def spec_for(schedule: dict[str, Any], time_zone: str) -> ScheduleSpec:
    if "every_minutes" in schedule:
        return ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(minutes=int(schedule["every_minutes"])))])
    return ScheduleSpec(cron_expressions=[str(schedule["cron"])], time_zone_name=time_zone)


def schedule_for(agent: Agent, settings: Settings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            names.AGENT_RUN,
            AgentRunInput(agent_id=agent.id),
            id=ids.agent_run(agent.id),
            task_queue=settings.temporal.task_queue,
            static_summary=f"{agent.name} (scheduled run)",
            execution_timeout=settings.agent_run_timeout,
        ),
        spec=spec_for(agent.schedule, settings.club.timezone),
        # A run still waiting for an approval is not doubled by the next tick.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(minutes=10)),
        state=ScheduleState(paused=agent.paused, note=agent.goal[:200]),
    )


async def seed_agents(db: Database) -> None:
    async with db.transaction() as session:
        existing = set(await session.scalars(select(Agent.id)))
        for a in DEFAULT_AGENTS:
            if a.id not in existing:
                session.add(Agent(id=a.id, name=a.name, goal=a.goal, schedule=a.schedule, **a.settings))


async def ensure_schedules(client: Client, db: Database, settings: Settings) -> int:
    """Creates the agents and their schedules if missing, and brings existing schedules in line with the agent's
    schedule and the settings (cron or interval, time zone, timeout, task queue); a schedule's state (paused, and
    the note saying by whom) is left as it is. Returns how many schedules were created."""
    await seed_agents(db)
    async with db.session() as session:
        agents = list(await session.scalars(select(Agent)))
    created = 0
    for agent in agents:
        wanted = schedule_for(agent, settings)
        try:
            await client.create_schedule(ids.agent_schedule(agent.id), wanted)
            created += 1
        except ScheduleAlreadyRunningError:

            def reconcile(current: ScheduleUpdateInput, wanted: Schedule = wanted) -> ScheduleUpdate:
                wanted.state = current.description.schedule.state  # keep a pause an operator set
                return ScheduleUpdate(schedule=wanted)

            await client.get_schedule_handle(ids.agent_schedule(agent.id)).update(reconcile)
    return created
