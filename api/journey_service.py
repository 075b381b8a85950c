"""Journeys as the API changes them: publish a version, roll back or forward, switch
on and off (a schedule trigger follows), dry runs and analytics. The JSON API and
the journey pages both call these (explicit arguments, no Request)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml
from fastapi import HTTPException
from pydantic import BaseModel, Field

from api.deps import TemporalGetter
from contracts.journey_definitions import Duration
from contracts.journeys import LeadSnapshot
from core.settings import Settings
from db import journey_analytics, journey_store, live
from db.engine import Database
from db.models import Journey
from journeys import enroll, schedules
from journeys.schema import JourneyDefinitionError, parse_definition, parse_duration
from journeys.simulate import SampleEvent, simulate


class PublishBody(BaseModel):
    source: str = Field(min_length=1, max_length=100_000, description="the journey as YAML (or JSON)")
    note: str = Field("", max_length=300)
    activate: bool = True


class SampleEventBody(BaseModel):
    type: str = Field(max_length=30)
    after: Duration = Field(description="e.g. 3h, 2d")
    channel: str | None = None


class DryRunBody(BaseModel):
    lead: dict[str, Any] = Field(default_factory=dict, description="sample lead fields and properties")
    events: list[SampleEventBody] = Field(default_factory=list, max_length=50)


class PublishRejected(Exception):
    """The source is not a valid journey: each error has a path and a message."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


async def get_journey(db: Database, journey_id: str) -> Journey:
    async with db.session() as session:
        journey = await session.get(Journey, journey_id)
    if journey is None:
        raise HTTPException(404, f"no journey {journey_id!r}")
    return journey


async def sync_schedule(db: Database, temporal: TemporalGetter, settings: Settings, journey_id: str) -> None:
    """A schedule trigger follows the active version (and stops with the journey)."""
    found = await enroll.active_definitions(db, journey_id)
    definition = found[0][1] if found else None
    await schedules.sync_schedule(await temporal(), settings, journey_id, definition)


async def publish(
    db: Database, temporal: TemporalGetter, settings: Settings, journey_id: str, body: PublishBody, by: str
) -> dict[str, Any]:
    try:
        data = yaml.safe_load(body.source)
        definition = parse_definition(data)
    except yaml.YAMLError as exc:
        raise PublishRejected([{"path": "source", "message": f"not valid YAML: {exc}"}]) from exc
    except JourneyDefinitionError as exc:
        raise PublishRejected(exc.errors) from exc
    if definition.id != journey_id:
        raise PublishRejected([{"path": "id", "message": f"must be {journey_id!r}"}])
    async with db.transaction() as session:
        number = await journey_store.publish(
            session,
            journey_id=journey_id,
            name=definition.name,
            definition=definition.model_dump(mode="json", exclude_none=True),
            source=body.source,
            by=by,
            note=body.note,
            activate=body.activate,
        )
    if body.activate:
        await sync_schedule(db, temporal, settings, journey_id)
    return {"journey_id": journey_id, "version": number, "active": body.activate}


async def activate_version(
    db: Database, temporal: TemporalGetter, settings: Settings, journey_id: str, version: int, by: str
) -> dict[str, Any]:
    """Rollback (or forward): new enrollments take this version; running ones keep theirs."""
    async with db.transaction() as session:
        if await journey_store.version(session, journey_id, version) is None:
            raise HTTPException(404, f"no version {version} of {journey_id!r}")
        journey = await session.get(Journey, journey_id)
        assert journey is not None
        journey.active_version = version
        live.publish(session, "journey", journey_id, {"active_version": version, "by": by})
    await sync_schedule(db, temporal, settings, journey_id)
    return {"journey_id": journey_id, "active_version": version}


async def set_active(
    db: Database, temporal: TemporalGetter, settings: Settings, journey_id: str, active: bool, by: str
) -> dict[str, Any]:
    """Off: new leads stop entering; those already on the journey finish it."""
    async with db.transaction() as session:
        journey = await session.get(Journey, journey_id)
        if journey is None:
            raise HTTPException(404, f"no journey {journey_id!r}")
        journey.active = active
        live.publish(session, "journey", journey_id, {"active": active, "by": by})
    await sync_schedule(db, temporal, settings, journey_id)
    return {"journey_id": journey_id, "active": active}


async def dry_run(db: Database, journey_id: str, body: DryRunBody, version: int | None) -> dict[str, Any]:
    """The path a sample lead would take; ValueError (a bad sample) reaches the caller."""
    async with db.session() as session:
        chosen = await journey_store.version(session, journey_id, version)
    if chosen is None:
        raise HTTPException(404, f"no journey {journey_id!r}")
    now = datetime.now(UTC)
    lead = LeadSnapshot.model_validate({"id": "sample", "created_at": now, **body.lead})
    events = [SampleEvent(e.type, parse_duration(e.after), e.channel) for e in body.events]
    path, outcome = simulate(parse_definition(chosen.definition), lead, events, now)
    return {
        "version": chosen.version,
        "outcome": outcome,
        "path": [
            {"at": str(p.at), "step_id": p.step_id, "kind": p.kind, "action": p.action, "why": p.why} for p in path
        ],
    }


async def analytics(db: Database, journey_id: str, version: int | None) -> dict[str, Any]:
    async with db.session() as session:
        chosen = await journey_store.version(session, journey_id, version)
        if chosen is None:
            raise HTTPException(404, f"no journey {journey_id!r}")
        order = [s["id"] for s in chosen.definition["steps"]]
        return {"version": version, **await journey_analytics.analytics(session, journey_id, version, order)}
