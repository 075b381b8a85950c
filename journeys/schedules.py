"""The Temporal Schedule of each journey with a schedule trigger. It follows the
journey's active version: created when a version brings a schedule trigger,
changed when the cron changes, removed when the trigger is no longer a schedule."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from contracts import ids, names
from contracts.journey_definitions import JourneyDefinition
from core.settings import Settings
from db.engine import Database
from journeys.enroll import active_definitions


async def sync_schedule(client: Client, settings: Settings, journey_id: str, active: JourneyDefinition | None) -> None:
    trigger = active.trigger if active is not None else None
    cron = trigger.schedule if trigger is not None and trigger.type == "schedule" else None
    handle = client.get_schedule_handle(ids.journey_sweep(journey_id))
    if not cron:
        try:
            await handle.delete()
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
        return
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            names.JOURNEY_SWEEP, journey_id, id=ids.journey_sweep(journey_id), task_queue=settings.temporal.task_queue
        ),
        spec=ScheduleSpec(cron_expressions=[cron], time_zone_name=settings.club.timezone),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(minutes=10)),
    )
    try:
        await client.create_schedule(ids.journey_sweep(journey_id), schedule)
    except ScheduleAlreadyRunningError:

        def replace(current: ScheduleUpdateInput) -> ScheduleUpdate:
            schedule.state = current.description.schedule.state  # keep a pause an operator set
            return ScheduleUpdate(schedule=schedule)

        await handle.update(replace)


async def sync_all(client: Client, db: Database, settings: Settings) -> None:
    for _version, definition in await active_definitions(db):
        await sync_schedule(client, settings, definition.id, definition)
