"""Journeys: definitions and versions (publish, roll back), on/off, dry runs,
manual enrollment, analytics per version; leads and the pipeline."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select

from api import journey_schemas as out
from api import journey_service, retries
from api.auth import Manager, Viewer
from api.deps import DB_INT_MAX, DbDep, SettingsDep, TemporalDep, TemporalGetterDep
from api.journey_service import DryRunBody, PublishBody  # the request bodies, shared with the pages
from db import journey_store
from db.models import Enrollment, Handoff, Lead, LeadEvent
from journeys import enroll
from journeys.facts import snapshot

router = APIRouter(prefix="/api", tags=["journeys"])


@router.get("/journeys", response_model=list[out.JourneySummary])
async def list_journeys(_user: Viewer, db: DbDep) -> list[dict[str, Any]]:
    async with db.session() as session:
        rows = await journey_store.journeys(session)
        counts = await journey_store.enrollment_counts(session)
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


@router.get("/journeys/{journey_id}", response_model=out.JourneyOut)
async def get_journey(
    journey_id: str, _user: Viewer, db: DbDep, version: int | None = Query(None, ge=1, le=DB_INT_MAX)
) -> dict[str, Any]:
    journey = await journey_service.get_journey(db, journey_id)
    async with db.session() as session:
        chosen = await journey_store.version(session, journey_id, version)
        history = await journey_store.versions(session, journey_id)
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


@router.post(
    "/journeys/{journey_id}/versions",
    status_code=201,
    response_model=out.Published,
    responses={422: {"model": out.PublishRejectedOut}},
)
async def publish(
    journey_id: str,
    body: PublishBody,
    user: Manager,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalGetterDep,
) -> JSONResponse:
    try:
        result = await journey_service.publish(db, temporal, settings, journey_id, body, user.email)
    except journey_service.PublishRejected as exc:
        return JSONResponse({"detail": exc.errors}, status_code=422)
    return JSONResponse(result, status_code=201)


@router.post("/journeys/{journey_id}/activate-version", response_model=out.VersionActivated)
async def activate_version(
    journey_id: str,
    user: Manager,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalGetterDep,
    version: int = Body(embed=True, ge=1, le=DB_INT_MAX),
) -> dict[str, Any]:
    """Rollback (or forward): new enrollments take this version; running ones keep theirs."""
    return await journey_service.activate_version(db, temporal, settings, journey_id, version, user.email)


@router.post("/journeys/{journey_id}/activate", response_model=out.Switched)
async def activate(
    journey_id: str, user: Manager, db: DbDep, temporal: TemporalGetterDep, settings: SettingsDep
) -> dict[str, Any]:
    return await journey_service.set_active(db, temporal, settings, journey_id, True, user.email)


@router.post("/journeys/{journey_id}/deactivate", response_model=out.Switched)
async def deactivate(
    journey_id: str, user: Manager, db: DbDep, temporal: TemporalGetterDep, settings: SettingsDep
) -> dict[str, Any]:
    """New leads stop entering; those already on the journey finish it."""
    return await journey_service.set_active(db, temporal, settings, journey_id, False, user.email)


@router.post("/journeys/{journey_id}/dry-run", response_model=out.DryRunOut)
async def dry_run(
    journey_id: str, body: DryRunBody, _user: Viewer, db: DbDep, version: int | None = Query(None, ge=1, le=DB_INT_MAX)
) -> dict[str, Any]:
    return await journey_service.dry_run(db, journey_id, body, version)


@router.post("/journeys/{journey_id}/enroll", response_model=out.Enrolled)
async def enroll_lead(
    journey_id: str,
    _user: Manager,
    settings: SettingsDep,
    db: DbDep,
    temporal: TemporalGetterDep,
    lead_id: str = Body(embed=True),
    again: bool = Body(False, embed=True, description="walk the journey anew once the lead's last walk finished"),
) -> dict[str, str]:
    async with db.session() as session:
        lead = await session.get(Lead, lead_id)
    if lead is None:
        raise HTTPException(404, f"no lead {lead_id!r}")
    result, workflow_id = await enroll.enroll(
        await temporal(),
        db,
        settings,
        snapshot(lead),
        journey_id,
        check_trigger=False,
        again=again,
    )
    return {"result": result, "workflow_id": workflow_id}


@router.get("/journeys/{journey_id}/analytics", response_model=out.AnalyticsOut)
async def analytics(
    journey_id: str, _user: Viewer, db: DbDep, version: int | None = Query(None, ge=1, le=DB_INT_MAX)
) -> dict[str, Any]:
    return await journey_service.analytics(db, journey_id, version)


@router.get("/pipeline", response_model=dict[str, int])
async def pipeline(_user: Viewer, db: DbDep) -> dict[str, int]:
    async with db.session() as session:
        return await journey_store.pipeline(session)


@router.get("/leads/{lead_id}", response_model=out.LeadDetail)
async def lead_detail(lead_id: str, _user: Viewer, db: DbDep) -> dict[str, Any]:
    async with db.session() as session:
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


@router.post("/leads/{lead_id}/retry", status_code=202, response_model=out.RetryStarted)
async def retry_step(
    lead_id: str, body: retries.RetryStepBody, user: Manager, db: DbDep, client: TemporalDep
) -> dict[str, Any]:
    """Retries a journey send that failed for good (its data fixed since); the step's outcome follows."""
    outcome = await retries.retry_step(db, client, lead_id, body, user.email)
    return {"enrollment_id": body.enrollment_id, "step_id": body.step_id, "outcome": outcome}
