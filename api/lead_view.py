"""What the pipeline board and the lead page show, read from the nurture tables:
leads grouped by stage with the journey step each is on, and one lead's
timeline (its events and the messages sent to it), enrollments and handoffs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Enrollment, Handoff, Journey, JourneyVersion, Lead, LeadEvent, OutboxEntry

# The order leads move through; a stage a journey invents is shown after these.
STAGES = ("new", "nurtured", "engaged", "qualified", "customer", "lost")
PER_STAGE = 30  # leads listed per column (the count covers all of them)


@dataclass
class StageColumn:
    stage: str
    count: int
    leads: list[Lead] = field(default_factory=list)


@dataclass
class TimelineItem:
    at: datetime
    kind: str  # "event" (from the lead) or "message" (to the lead)
    title: str
    channel: str | None
    detail: str = ""


def display_name(lead: Lead) -> str:
    name = f"{lead.first_name} {lead.last_name}".strip()
    return name or lead.email or lead.phone or lead.id


async def step_names(session: AsyncSession, pairs: set[tuple[str, int]]) -> dict[tuple[str, int, str], str]:
    """(journey, version, step id) -> the step's name, for the versions given."""
    names: dict[tuple[str, int, str], str] = {}
    for journey_id, version in pairs:
        row = await session.scalar(
            select(JourneyVersion).where(JourneyVersion.journey_id == journey_id, JourneyVersion.version == version)
        )
        for step in row.definition.get("steps", []) if row else []:
            names[(journey_id, version, step["id"])] = step.get("name") or step["id"]
    return names


async def journey_names(session: AsyncSession) -> dict[str, str]:
    return {j.id: j.name for j in await session.scalars(select(Journey))}


async def board(session: AsyncSession) -> tuple[list[StageColumn], dict[str, list[dict[str, Any]]]]:
    """The columns, and for each listed lead its active journeys with their current step."""
    counts = dict((await session.execute(select(Lead.stage, func.count()).group_by(Lead.stage))).all())
    stages = [*STAGES, *sorted(s for s in counts if s not in STAGES)]
    columns = []
    for stage in stages:
        leads = list(
            await session.scalars(
                select(Lead).where(Lead.stage == stage).order_by(Lead.updated_at.desc(), Lead.id).limit(PER_STAGE)
            )
        )
        columns.append(StageColumn(stage, int(counts.get(stage, 0)), leads))
    ids = [lead.id for c in columns for lead in c.leads]
    active = list(
        await session.scalars(select(Enrollment).where(Enrollment.lead_id.in_(ids), Enrollment.status == "active"))
    )
    names = await journey_names(session)
    steps = await step_names(session, {(e.journey_id, e.version) for e in active})
    journeys: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in active:
        step = steps.get((e.journey_id, e.version, e.current_step or ""), e.current_step or "starting")
        journeys[e.lead_id].append({"id": e.journey_id, "name": names.get(e.journey_id, e.journey_id), "step": step})
    return columns, journeys


async def lead_detail(session: AsyncSession, lead_id: str) -> dict[str, Any] | None:
    lead = await session.get(Lead, lead_id)
    if lead is None:
        return None
    events = await session.scalars(
        select(LeadEvent).where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.occurred_at)
    )
    sent = await session.scalars(
        select(OutboxEntry).where(OutboxEntry.recipient == lead_id).order_by(OutboxEntry.created_at)
    )
    timeline = [
        TimelineItem(e.occurred_at, "event", e.type, e.channel, str(e.data.get("text", "") or "")) for e in events
    ]
    timeline += [
        TimelineItem(m.created_at, "message", f"{m.state}: {m.payload.get('step', m.kind)}", m.channel, _body(m))
        for m in sent
    ]
    timeline.sort(key=lambda item: item.at, reverse=True)
    enrollments = list(
        await session.scalars(
            select(Enrollment).where(Enrollment.lead_id == lead_id).order_by(Enrollment.started_at.desc())
        )
    )
    handoffs = list(
        await session.scalars(select(Handoff).where(Handoff.lead_id == lead_id).order_by(Handoff.created_at.desc()))
    )
    return {
        "lead": lead,
        "name": display_name(lead),
        "timeline": timeline,
        "enrollments": enrollments,
        "handoffs": handoffs,
        "journeys": await journey_names(session),
        "steps": await step_names(session, {(e.journey_id, e.version) for e in enrollments}),
    }


def _body(entry: OutboxEntry) -> str:
    return str((entry.result or {}).get("body", "") or entry.error or "")
