"""Applying an approved schedule change to the Temporal Schedule and the agent."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client, ScheduleUpdate, ScheduleUpdateInput

from agent.schedules import spec_for
from contracts import ids
from contracts.campaigns import ScheduleChange
from core.settings import Settings
from db import live
from db.engine import Database
from db.models import Agent


class AgentControlActivities:
    def __init__(self, db: Database, client: Client, settings: Settings) -> None:
        self.db, self.client, self.settings = db, client, settings

    @activity.defn(name="apply_schedule_change")
    async def apply_schedule_change(self, change: ScheduleChange) -> None:
        spec = spec_for(change.schedule, self.settings.club.timezone)

        def update(current: ScheduleUpdateInput) -> ScheduleUpdate:
            schedule = current.description.schedule
            schedule.spec = spec
            return ScheduleUpdate(schedule=schedule)

        await self.client.get_schedule_handle(ids.agent_schedule(change.agent_id)).update(update)
        async with self.db.transaction() as session:
            agent = await session.get(Agent, change.agent_id)
            if agent is not None:
                agent.schedule = change.schedule
            live.publish(session, "agent", change.agent_id, {"schedule": change.schedule, "by": change.approved_by})
