"""Leads, their events, journeys and versions, enrollments and step visits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import Enrollment, Journey, JourneyCanvas, JourneyHold, JourneyVersion, Lead, LeadEvent, StepVisit
from db.models.base import utcnow
from db.upsert import dialect_insert, insert_ignore, upsert_statement
from rules.engagement import LeadState, apply_event

ACTIVE = "active"


async def find_lead(session: AsyncSession, email: str | None, phone: str | None) -> Lead | None:
    conditions = [
        c for c in (Lead.email == email if email else None, Lead.phone == phone if phone else None) if c is not None
    ]
    if not conditions:
        return None
    return await session.scalar(select(Lead).where(or_(*conditions)).limit(1))


async def upsert_lead(session: AsyncSession, values: dict[str, Any]) -> tuple[Lead, bool]:
    """The lead with this email or phone, updated; or a new one. True when created."""
    lead = await find_lead(session, values.get("email"), values.get("phone"))
    if lead is None:
        lead = Lead(id=f"L{uuid.uuid4().hex[:12]}", engagement={}, **{"properties": {}, **values})
        session.add(lead)
        await session.flush()
        live.publish(session, "lead", lead.id, {"created": True})
        return lead, True
    for key, value in values.items():
        if key == "properties":
            lead.properties = {**(lead.properties or {}), **value}
        elif value not in (None, ""):
            setattr(lead, key, value)
    return lead, False


async def record_event(
    session: AsyncSession,
    *,
    event_id: str,
    lead: Lead,
    type: str,
    channel: str | None,
    data: dict[str, Any],
    occurred_at: datetime,
) -> bool:
    """Stores the event once (by id) and applies it to the lead's score and preferences."""
    if not await insert_ignore(
        session,
        LeadEvent,
        {
            "event_id": event_id,
            "lead_id": lead.id,
            "type": type,
            "channel": channel,
            "data": data,
            "occurred_at": occurred_at,
        },
        ["event_id"],
    ):
        return False
    state = apply_event(
        LeadState(
            score=lead.score,
            engagement=dict(lead.engagement or {}),
            channel_preference=lead.channel_preference,
            opt_out_email=lead.opt_out_email,
            opt_out_sms=lead.opt_out_sms,
        ),
        type,
        channel,
    )
    lead.score, lead.engagement, lead.channel_preference = state.score, state.engagement, state.channel_preference
    lead.opt_out_email, lead.opt_out_sms = state.opt_out_email, state.opt_out_sms
    if type not in ("bounced", "unsubscribed"):
        lead.last_engaged_at = max(occurred_at, lead.last_engaged_at) if lead.last_engaged_at else occurred_at
    live.publish(session, "lead", lead.id, {"event": type})
    return True


async def active_enrollments(session: AsyncSession, lead_id: str) -> list[Enrollment]:
    return list(
        await session.scalars(select(Enrollment).where(Enrollment.lead_id == lead_id, Enrollment.status == ACTIVE))
    )


def open_key(journey_id: str, lead_id: str) -> str:
    return f"{journey_id}:{lead_id}"


async def claim_walk(
    session: AsyncSession, lead_id: str, journey_id: str, version: int, workflow_id_for: Any, *, again: bool
) -> tuple[Enrollment | None, bool]:
    """Claims the lead's walk of the journey before its workflow starts: (the walk, whether it is new).
    An active walk is returned as it is (its start may be retried; never a second one beside it). A finished
    one ends the matter unless `again`, which claims the next walk, numbered and with its own workflow id
    (`workflow_id_for(walk)`). (None, False) when another enrolment claimed the same walk at the same moment."""
    last = await session.scalar(
        select(Enrollment)
        .where(Enrollment.lead_id == lead_id, Enrollment.journey_id == journey_id)
        .order_by(Enrollment.walk.desc())
        .limit(1)
    )
    if last is not None and (last.status == ACTIVE or not again):
        return last, False
    walk = last.walk + 1 if last is not None else 1
    values = {
        "id": workflow_id_for(walk),
        "lead_id": lead_id,
        "journey_id": journey_id,
        "version": version,
        "status": ACTIVE,
        "started_at": utcnow(),
        "seq": 0,
        "walk": walk,
        "open_key": open_key(journey_id, lead_id),
    }
    inserted = await session.execute(dialect_insert(session, Enrollment).values(**values).on_conflict_do_nothing())
    if not getattr(inserted, "rowcount", 0):
        return None, False
    return await session.get(Enrollment, values["id"]), True


async def project(session: AsyncSession, values: dict[str, Any], visits: list[dict[str, Any]]) -> None:
    dialect = session.get_bind().dialect.name
    # An active walk holds its lead and journey; a finished one lets the next walk be claimed.
    holding = values["status"] == ACTIVE
    values = {**values, "open_key": open_key(values["journey_id"], values["lead_id"]) if holding else None}
    # Newer projections win: an update carrying an older `seq` (a retried activity) changes nothing.
    update = tuple(k for k in values if k not in ("id", "started_at", "lead_id"))
    await session.execute(upsert_statement(dialect, Enrollment, ("id",), update, unless_older="seq"), values)
    if visits:
        stmt = upsert_statement(dialect, StepVisit, ("enrollment_id", "seq"), ("left_at", "outcome"))
        await session.execute(stmt, visits)
    live.publish(
        session,
        "journey",
        values["journey_id"],
        {"enrollment": values["id"], "status": values["status"], "lead_id": values["lead_id"]},
    )


# -- journeys and versions -------------------------------------------------------------


async def journeys(session: AsyncSession) -> list[Journey]:
    return list(await session.scalars(select(Journey).order_by(Journey.name)))


async def versions(session: AsyncSession, journey_id: str) -> list[JourneyVersion]:
    return list(
        await session.scalars(
            select(JourneyVersion)
            .where(JourneyVersion.journey_id == journey_id)
            .order_by(JourneyVersion.version.desc())
        )
    )


async def version(session: AsyncSession, journey_id: str, number: int | None = None) -> JourneyVersion | None:
    journey = await session.get(Journey, journey_id)
    if journey is None:
        return None
    wanted = number if number is not None else journey.active_version
    return await session.scalar(
        select(JourneyVersion).where(JourneyVersion.journey_id == journey_id, JourneyVersion.version == wanted)
    )


async def publish(
    session: AsyncSession,
    *,
    journey_id: str,
    name: str,
    definition: dict[str, Any],
    source: str,
    by: str,
    note: str = "",
    activate: bool = True,
) -> int:
    """A new version (never an edit of an old one); running journeys keep theirs."""
    journey = await session.get(Journey, journey_id)
    if journey is None:
        journey = Journey(id=journey_id, name=name, active=True, active_version=1)
        session.add(journey)
        await session.flush()
    latest = int(
        await session.scalar(select(func.max(JourneyVersion.version)).where(JourneyVersion.journey_id == journey_id))
        or 0
    )
    number = latest + 1
    session.add(
        JourneyVersion(
            journey_id=journey_id, version=number, definition=definition, source=source, created_by=by, note=note
        )
    )
    journey.name = name
    if activate:
        journey.active_version = number
    live.publish(session, "journey", journey_id, {"version": number})
    return number


async def canvas_positions(session: AsyncSession, journey_id: str) -> dict[str, Any]:
    """Where the builder draws each step ({step id: {x, y}}); empty when nobody has moved one."""
    row = await session.get(JourneyCanvas, journey_id)
    return dict(row.positions) if row is not None else {}


async def save_canvas_positions(session: AsyncSession, journey_id: str, positions: dict[str, Any], by: str) -> None:
    """Replaces the layout whole: the canvas sends every position it knows, its other versions' steps too."""
    row = await session.get(JourneyCanvas, journey_id)
    if row is None:
        session.add(JourneyCanvas(journey_id=journey_id, positions=positions, updated_by=by))
    else:
        row.positions, row.updated_by = positions, by


async def pipeline(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Lead.stage, func.count()).group_by(Lead.stage))
    return {stage: int(n) for stage, n in rows.all()}


async def enrollment_counts(session: AsyncSession) -> dict[str, dict[str, int]]:
    rows = await session.execute(
        select(Enrollment.journey_id, Enrollment.status, func.count()).group_by(
            Enrollment.journey_id, Enrollment.status
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for journey_id, status, n in rows.all():
        counts.setdefault(journey_id, {})[status] = int(n)
    return counts


# -- journeys held by the kill switch ------------------------------------------------------


async def hold(session: AsyncSession, workflow_id: str) -> None:
    await insert_ignore(session, JourneyHold, {"workflow_id": workflow_id}, ["workflow_id"])


async def held(session: AsyncSession, limit: int) -> list[str]:
    return list(await session.scalars(select(JourneyHold.workflow_id).order_by(JourneyHold.since).limit(limit)))


async def unhold(session: AsyncSession, workflow_ids: list[str]) -> None:
    await session.execute(delete(JourneyHold).where(JourneyHold.workflow_id.in_(workflow_ids)))
