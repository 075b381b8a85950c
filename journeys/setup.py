"""Journeys on a fresh deployment: the pre-built ones as version 1."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from db import journey_store
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
            await journey_store.publish(
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
