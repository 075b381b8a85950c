"""Putting a lead on a journey: the journey's active version, one walk per lead per journey, claimed in our
database before its workflow starts (not left to Temporal's retention). A lead who finished a walk is walked
again only when asked (`again`): the next walk has its own number and workflow id (`journey-<journey>-<lead>`,
then `…-walk2`), so its sends have their own idempotency keys and go out."""

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
from db import journey_store
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
    client: Client,
    db: Database,
    settings: Settings,
    lead: LeadSnapshot,
    journey_id: str,
    *,
    check_trigger: bool = True,
    again: bool = False,
) -> tuple[Result, str]:
    """(the result, the walk's workflow id). `again`: a lead whose walk finished walks the journey anew."""
    found = await active_definitions(db, journey_id)
    if not found:
        return "inactive", ids.journey(journey_id, lead.id)
    [(version, definition)] = found
    return await _walk(client, db, settings, lead, version, definition, check_trigger, again)


async def _walk(
    client: Client,
    db: Database,
    settings: Settings,
    lead: LeadSnapshot,
    version: int,
    definition: JourneyDefinition,
    check_trigger: bool,
    again: bool = False,
) -> tuple[Result, str]:
    when, journey_id = definition.trigger.when, definition.id
    if check_trigger and when is not None and not evaluate(when, facts_for(lead, [], {}, datetime.now(UTC))):
        return "not_eligible", ids.journey(journey_id, lead.id)
    async with db.transaction() as session:
        walk, new = await journey_store.claim_walk(
            session, lead.id, journey_id, version, lambda n: ids.journey(journey_id, lead.id, n), again=again
        )
        claimed = (walk.id, walk.status, walk.walk) if walk is not None else None
    if claimed is None:  # a concurrent enrolment claimed it: that one starts the walk
        return "already_enrolled", ids.journey(journey_id, lead.id)
    workflow_id, status, number = claimed
    if status != journey_store.ACTIVE:
        return "already_enrolled", workflow_id
    # A new claim starts its walk; an active one is started again in case its start never happened (a crash or a
    # Temporal error between the claim and the start): Temporal refuses the duplicate when it did.
    result = await _start(client, db, settings, lead, version, definition, workflow_id, number)
    return ("enrolled" if new else result), workflow_id


async def _start(
    client: Client,
    db: Database,
    settings: Settings,
    lead: LeadSnapshot,
    version: int,
    definition: JourneyDefinition,
    workflow_id: str,
    walk: int,
) -> Result:
    journey_id = definition.id
    try:
        await client.start_workflow(
            names.JOURNEY,
            JourneyInput(
                lead_id=lead.id,
                journey_id=journey_id,
                version=version,
                definition=definition,
                time_scale=settings.journeys.time_scale,
            ),
            id=workflow_id,
            task_queue=settings.temporal.task_queue,
            # A walk runs once: our database decides which walk may start; Temporal refuses a duplicate of it.
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            # no personal details in the UI
            static_summary=f"{definition.name} v{version} · lead {lead.id}" + (f" · walk {walk}" if walk > 1 else ""),
        )
    except WorkflowAlreadyStartedError:
        return "already_enrolled"
    async with db.transaction() as session:  # events for this lead are routed to it from now on
        await journey_store.project(
            session,
            {
                "id": workflow_id,
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
        if (await _walk(client, db, settings, lead, version, d, check_trigger=True))[0] == "enrolled":
            started.append(d.id)
    return started
