"""Bringing a deployment up to date: the database schema, the default agents and
their Temporal Schedules. Safe to run on every start (`python -m bootstrap`)."""

from __future__ import annotations

import asyncio
import logging

from agent.schedules import ensure_schedules
from core.logs import setup_logging
from core.production import refuse_unsafe
from core.retention import ensure_retention
from core.settings import Settings, get_settings
from core.temporal import connect
from db import users
from db.engine import Database
from db.migrate import upgrade
from inbox.sync_starter import ensure_inbox_sync
from journeys.holds import release_held
from journeys.schedules import sync_all as sync_journey_schedules
from journeys.setup import seed_prebuilt

log = logging.getLogger("renubu.bootstrap")


async def refuse_unsafe_deployment(settings: Settings) -> None:
    """Production only: unsafe settings, then demo users in the (migrated) database, stop the process."""
    refuse_unsafe(settings)
    if settings.env != "production":
        return
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            refuse_unsafe(settings, await users.demo_users(session))
    finally:
        await db.dispose()


async def bootstrap(settings: Settings) -> None:
    refuse_unsafe(settings)  # settings first: a refused deployment must not even migrate
    await upgrade(settings.resolved_database_url)
    await refuse_unsafe_deployment(settings)
    db = Database(settings.resolved_database_url)
    try:
        client = await connect(settings)
        await ensure_retention(client, settings.temporal.namespace, settings.temporal.retention_days)
        created = await ensure_schedules(client, db, settings)
        await ensure_inbox_sync(client, settings)
        await seed_prebuilt(db)
        await sync_journey_schedules(client, db, settings)
        await release_held(client, db)  # the API may have stopped between lifting the kill switch and signalling
    finally:
        await db.dispose()
    log.info("schema up to date; %d agent schedule(s) created, the others reconciled", created)


if __name__ == "__main__":
    setup_logging("bootstrap")
    asyncio.run(bootstrap(get_settings()))
