"""Journeys: definitions and versions (publish, roll back), on/off, dry runs,
manual enrollment, analytics per version; leads and the pipeline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml
from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.auth import CurrentUser, require_role
from api.deps import get_db, get_settings_dep, get_temporal
from contracts.journeys import LeadSnapshot
from core.settings import Settings
from db import journey_analytics, live, nurture_store
from db.models import Enrollment, Handoff, Journey, Lead, LeadEvent
from journeys import enroll, schedules
from journeys.facts import snapshot
from journeys.schema import DefinitionError, parse_definition, parse_duration
from journeys.simulate import SampleEvent, simulate

router = APIRouter(prefix="/api", tags=["journeys"])
manager = require_role("manager")
viewer = require_role("manager", "operator")


class PublishBody(BaseModel):
    source: str = Field(min_length=1, max_length=100_000, description="the journey as YAML (or JSON)")
    note: str = Field("", max_length=300)
    activate: bool = True


class SampleEventBody(BaseModel):
    type: str = Field(max_length=30)
    after: str = Field(description="e.g. 3h, 2d", pattern=r"^\d+(\.\d+)?\s*[smhdw]$")
    channel: str | None = None


class DryRunBody(BaseModel):
    lead: dict[str, Any] = Field(default_factory=dict, description="sample lead fields and properties")
    events: list[SampleEventBody] = Field(default_factory=list, max_length=50)


async def _journey(request: Request, journey_id: str) -> Journey:
    async with get_db(request).session() as session:
        journey = await session.get(Journey, journey_id)
    if journey is None:
        raise HTTPException(404, f"no journey {journey_id!r}")
    return journey


@router.get("/journeys")
async def list_journeys(request: Request, _user: CurrentUser = Depends(viewer)) -> list[dict[str, Any]]:
    async with get_db(request).session() as session:
        rows = await nurture_store.journeys(session)
        counts = await nurture_store.enrollment_counts(session)
    return [
        {
            "id": j.id,
            "name": j.name,
            "active": j.active,
            "active_version": j.active_version,
            "enrollments": counts.get(j.id, {}),
        }
        for j in rows
    ]


@router.get("/journeys/{journey_id}")
async def get_journey(
    request: Request, journey_id: str, version: int | None = None, _user: CurrentUser = Depends(viewer)
) -> dict[str, Any]:
    journey = await _journey(request, journey_id)
    async with get_db(request).session() as session:
        chosen = await nurture_store.version(session, journey_id, version)
        history = await nurture_store.versions(session, journey_id)
    if chosen is None:
        raise HTTPException(404, f"no version {version} of {journey_id!r}")
    return {
        "id": journey.id,
        "name": journey.name,
        "active": journey.active,
        "active_version": journey.active_version,
        "version": chosen.version,
        "definition": chosen.definition,
        "source": chosen.source,
        "versions": [
            {"version": v.version, "note": v.note, "created_by": v.created_by, "created_at": v.created_at.isoformat()}
            for v in history
        ],
    }


@router.post("/journeys/{journey_id}/versions", status_code=201)
async def publish(
    request: Request, journey_id: str, body: PublishBody, user: CurrentUser = Depends(manager)
) -> JSONResponse:
    try:
        data = yaml.safe_load(body.source)
        definition = parse_definition(data)
    except yaml.YAMLError as exc:
        return JSONResponse({"detail": [{"path": "source", "message": f"not valid YAML: {exc}"}]}, status_code=422)
    except DefinitionError as exc:
        return JSONResponse({"detail": exc.errors}, status_code=422)
    if definition.id != journey_id:
        return JSONResponse({"detail": [{"path": "id", "message": f"must be {journey_id!r}"}]}, status_code=422)
    async with get_db(request).transaction() as session:
        number = await nurture_store.publish(
            session,
            journey_id=journey_id,
            name=definition.name,
            definition=definition.model_dump(mode="json", exclude_none=True),
            source=body.source,
            by=user.email,
            note=body.note,
            activate=body.activate,
        )
    if body.activate:
        await _sync_schedule(request, journey_id)
    return JSONResponse({"journey_id": journey_id, "version": number, "active": body.activate}, status_code=201)


@router.post("/journeys/{journey_id}/activate-version")
async def activate_version(
    request: Request, journey_id: str, version: int = Body(embed=True, ge=1), user: CurrentUser = Depends(manager)
) -> dict[str, Any]:
    """Rollback (or forward): new enrollments take this version; running ones keep theirs."""
    async with get_db(request).transaction() as session:
        if await nurture_store.version(session, journey_id, version) is None:
            raise HTTPException(404, f"no version {version} of {journey_id!r}")
        journey = await session.get(Journey, journey_id)
        assert journey is not None
        journey.active_version = version
        live.publish(session, "journey", journey_id, {"active_version": version, "by": user.email})
    await _sync_schedule(request, journey_id)
    return {"journey_id": journey_id, "active_version": version}


async def _sync_schedule(request: Request, journey_id: str) -> None:
    """A schedule trigger follows the active version (and stops with the journey)."""
    found = await enroll.active_definitions(get_db(request), journey_id)
    definition = found[0][1] if found else None
    await schedules.sync_schedule(await get_temporal(request), get_settings_dep(request), journey_id, definition)


async def _switch(request: Request, journey_id: str, active: bool, user: CurrentUser) -> dict[str, Any]:
    async with get_db(request).transaction() as session:
        journey = await session.get(Journey, journey_id)
        if journey is None:
            raise HTTPException(404, f"no journey {journey_id!r}")
        journey.active = active
        live.publish(session, "journey", journey_id, {"active": active, "by": user.email})
    await _sync_schedule(request, journey_id)
    return {"journey_id": journey_id, "active": active}


@router.post("/journeys/{journey_id}/activate")
async def activate(request: Request, journey_id: str, user: CurrentUser = Depends(manager)) -> dict[str, Any]:
    return await _switch(request, journey_id, True, user)


@router.post("/journeys/{journey_id}/deactivate")
async def deactivate(request: Request, journey_id: str, user: CurrentUser = Depends(manager)) -> dict[str, Any]:
    """New leads stop entering; those already on the journey finish it."""
    return await _switch(request, journey_id, False, user)


@router.post("/journeys/{journey_id}/dry-run")
async def dry_run(
    request: Request,
    journey_id: str,
    body: DryRunBody,
    version: int | None = None,
    _user: CurrentUser = Depends(viewer),
) -> dict[str, Any]:
    async with get_db(request).session() as session:
        chosen = await nurture_store.version(session, journey_id, version)
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


@router.post("/journeys/{journey_id}/enroll")
async def enroll_lead(
    request: Request,
    journey_id: str,
    lead_id: str = Body(embed=True),
    again: bool = Body(False, embed=True, description="walk the journey anew once the lead's last walk finished"),
    settings: Settings = Depends(get_settings_dep),
    _user: CurrentUser = Depends(manager),
) -> dict[str, str]:
    async with get_db(request).session() as session:
        lead = await session.get(Lead, lead_id)
    if lead is None:
        raise HTTPException(404, f"no lead {lead_id!r}")
    result, workflow_id = await enroll.enroll(
        await get_temporal(request),
        get_db(request),
        settings,
        snapshot(lead),
        journey_id,
        check_trigger=False,
        again=again,
    )
    return {"result": result, "workflow_id": workflow_id}


@router.get("/journeys/{journey_id}/analytics")
async def analytics(
    request: Request, journey_id: str, version: int | None = Query(None, ge=1), _user: CurrentUser = Depends(viewer)
) -> dict[str, Any]:
    async with get_db(request).session() as session:
        chosen = await nurture_store.version(session, journey_id, version)
        if chosen is None:
            raise HTTPException(404, f"no journey {journey_id!r}")
        order = [s["id"] for s in chosen.definition["steps"]]
        return {"version": version, **await journey_analytics.analytics(session, journey_id, version, order)}


@router.get("/pipeline")
async def pipeline(request: Request, _user: CurrentUser = Depends(viewer)) -> dict[str, int]:
    async with get_db(request).session() as session:
        return await nurture_store.pipeline(session)


@router.get("/leads/{lead_id}")
async def lead_detail(request: Request, lead_id: str, _user: CurrentUser = Depends(viewer)) -> dict[str, Any]:
    async with get_db(request).session() as session:
        lead = await session.get(Lead, lead_id)
        if lead is None:
            raise HTTPException(404, f"no lead {lead_id!r}")
        enrollments = list(await session.scalars(select(Enrollment).where(Enrollment.lead_id == lead_id)))
        events = list(
            await session.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.occurred_at))
        )
        handoffs = list(await session.scalars(select(Handoff).where(Handoff.lead_id == lead_id)))
    return {
        "lead": snapshot(lead).model_dump(mode="json"),
        "enrollments": [
            {
                "id": e.id,
                "journey_id": e.journey_id,
                "version": e.version,
                "status": e.status,
                "current_step": e.current_step,
                "exit_reason": e.exit_reason,
            }
            for e in enrollments
        ],
        "events": [{"type": e.type, "channel": e.channel, "at": e.occurred_at.isoformat()} for e in events],
        "handoffs": [{"to": h.to_agent, "reason": h.reason, "context": h.context} for h in handoffs],
    }
