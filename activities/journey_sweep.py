"""The sweep behind scheduled journey triggers."""

from __future__ import annotations

from sqlalchemy import select
from temporalio import activity
from temporalio.client import Client

from core.settings import Settings
from db.engine import Database
from db.models import Lead
from journeys import enroll
from journeys.facts import snapshot

BATCH = 500


class JourneySweepActivities:
    def __init__(self, db: Database, client: Client, settings: Settings) -> None:
        self.db, self.client, self.settings = db, client, settings

    @activity.defn(name="sweep_journey")
    async def sweep_journey(self, journey_id: str) -> int:
        """Enrolls matching leads; enroll() checks the trigger and skips those already on it."""
        enrolled, offset = 0, 0
        while True:
            async with self.db.session() as session:
                leads = list(await session.scalars(select(Lead).order_by(Lead.id).offset(offset).limit(BATCH)))
            if not leads:
                return enrolled
            for lead in leads:
                result, _ = await enroll.enroll(self.client, self.db, self.settings, snapshot(lead), journey_id)
                if result == "enrolled":
                    enrolled += 1
            offset += BATCH
            activity.heartbeat(offset)
