"""Putting a lead on a journey: the journey's active version, one workflow per
lead per journey (`journey-<journey>-<lead>`), never two at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts import ids, names
from contracts.journey_definitions import JourneyDefinition
from contracts.journeys import JourneyInput, LeadSnapshot
from core.settings import Settings
from db import nurture_store
from db.engine import Database
from db.models import Journey, JourneyVersion
from journeys.facts import facts_for
from journeys.schema import parse_definition
from rules.conditions import evaluate

Result = Literal["enrolled", "already_enrolled", "not_eligible", "inactive"]


# Published versions never change, so each is parsed once per process.
_parsed: dict[tuple[str, int], JourneyDefinition] = {}


def _definition(v: JourneyVersion) -> JourneyDefinition:
    key = (v.journey_id, v.version)
    if key not in _parsed:
        _parsed[key] = parse_definition(v.definition)
    return _parsed[key]


async def active_definitions(db: Database, journey_id: str | None = None) -> list[tuple[int, JourneyDefinition]]:
    q = (
        select(JourneyVersion)
        .join(Journey, (Journey.id == JourneyVersion.journey_id) & (Journey.active_version == JourneyVersion.version))
        .where(Journey.active)
    )
    if journey_id is not None:
        q = q.where(Journey.id == journey_id)
    async with db.session() as session:
        return [(v.version, _definition(v)) for v in await session.scalars(q)]


async def enroll(
    client: Client, db: Database, settings: Settings, lead: LeadSnapshot, journey_id: str, *, check_trigger: bool = True
) -> Result:
    found = await active_definitions(db, journey_id)
    if not found:
        return "inactive"
    [(version, definition)] = found
    return await _start(client, db, settings, lead, version, definition, check_trigger)


async def _start(
    client: Client,
    db: Database,
    settings: Settings,
    lead: LeadSnapshot,
    version: int,
    definition: JourneyDefinition,
    check_trigger: bool,
) -> Result:
    when, journey_id = definition.trigger.when, definition.id
    if check_trigger and when is not None and not evaluate(when, facts_for(lead, [], {}, datetime.now(UTC))):
        return "not_eligible"
    try:
        await client.start_workflow(
            names.JOURNEY,
            JourneyInput(
                lead_id=lead.id,
                journey_id=journey_id,
                version=version,
                definition=definition,
                time_scale=settings.nurture_time_scale,
            ),
            id=ids.journey(journey_id, lead.id),
            task_queue=settings.task_queue,
            # A lead walks a journey once: no second enrollment, running or finished.
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"{definition.name} v{version} · lead {lead.id}",  # no personal details in the UI
        )
    except WorkflowAlreadyStartedError:
        return "already_enrolled"
    async with db.transaction() as session:  # events for this lead are routed to it from now on
        await nurture_store.project(
            session,
            {
                "id": ids.journey(journey_id, lead.id),
                "lead_id": lead.id,
                "journey_id": journey_id,
                "version": version,
                "status": "active",
                "current_step": None,
                "exit_reason": None,
                "started_at": datetime.now(UTC),
                "finished_at": None,
                "seq": 0,
            },
            [],
        )
    return "enrolled"


async def on_trigger(
    client: Client, db: Database, settings: Settings, lead: LeadSnapshot, *triggers: tuple[str, str | None]
) -> list[str]:
    """Enrolls the lead in every active journey one of these triggers (kind, event) starts; returns their ids."""
    started = []
    for version, d in await active_definitions(db):
        t = d.trigger
        if not any(t.type == kind and (kind != "event" or t.event == event) for kind, event in triggers):
            continue
        if await _start(client, db, settings, lead, version, d, check_trigger=True) == "enrolled":
            started.append(d.id)
    return started
