"""Journeys on a fresh deployment: the pre-built ones as version 1, and a
Temporal Schedule for each journey with a schedule trigger."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import yaml
from sqlalchemy import select
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)

from core.settings import Settings
from db import nurture_store
from db.engine import Database
from db.models import Journey
from journeys.library import prebuilt


async def seed_prebuilt(db: Database) -> int:
    async with db.transaction() as session:
        existing = set(await session.scalars(select(Journey.id)))
        added = 0
        for definition in prebuilt().values():
            if definition.id in existing:
                continue
            source = yaml.safe_dump(definition.model_dump(mode="json", exclude_none=True), sort_keys=False)
            await nurture_store.publish(
                session,
                journey_id=definition.id,
                name=definition.name,
                definition=definition.model_dump(mode="json", exclude_none=True),
                source=source,
                by="renubu",
                note="pre-built journey",
            )
            added += 1
    return added


async def ensure_journey_schedules(client: Client, settings: Settings) -> None:
    for definition in prebuilt().values():
        cron = definition.trigger.schedule
        if definition.trigger.type != "schedule" or not cron:
            continue
        with contextlib.suppress(ScheduleAlreadyRunningError):
            await client.create_schedule(
                f"journey-sweep-{definition.id}",
                Schedule(
                    action=ScheduleActionStartWorkflow(
                        "JourneySweepWorkflow",
                        definition.id,
                        id=f"journey-sweep-{definition.id}",
                        task_queue=settings.task_queue,
                    ),
                    spec=ScheduleSpec(cron_expressions=[cron], time_zone_name=settings.club_timezone),
                    policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(minutes=10)),
                ),
            )
