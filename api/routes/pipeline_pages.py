"""The lead pipeline (leads by stage) and one lead's page: properties, score,
channel preference, the timeline of what it did and what it was sent, its
journeys with their current step, and handoffs with their context. Both follow
the live feed (topics lead and journey). Lead data is untrusted: templates
escape it (never |safe)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from api import lead_view, retries
from api.auth import Manager, Viewer
from api.deps import DbDep, TemporalDep
from api.html import InlineErrors, render
from api.idempotency import PATTERN
from db import downstream
from db.engine import Database
from db.models import Enrollment

router = APIRouter(tags=["journey pages"], route_class=InlineErrors, include_in_schema=False)


async def _board(db: Database) -> dict[str, object]:
    async with db.session() as session:
        columns, journeys = await lead_view.board(session)
    total = sum(c.count for c in columns)
    return {"columns": columns, "journeys": journeys, "total": total, "name": lead_view.display_name}


@router.get("/pipeline")
async def pipeline_page(request: Request, _user: Viewer, db: DbDep) -> Response:
    return render(request, "pipeline.html", await _board(db))


@router.get("/ui/pipeline")
async def pipeline_board(request: Request, _user: Viewer, db: DbDep) -> Response:
    return render(request, "partials/journeys/board.html", await _board(db))


async def _lead(db: Database, lead_id: str) -> dict[str, Any] | None:
    async with db.session() as session:
        detail = await lead_view.lead_detail(session, lead_id)
    if detail is not None:
        detail["failed"] = await retries.failed_steps(db, [e.id for e in detail["enrollments"]])
    return detail


@router.get("/leads/{lead_id}")
async def lead_page(request: Request, lead_id: str, _user: Viewer, db: DbDep) -> Response:
    detail = await _lead(db, lead_id)
    if detail is None:
        return render(request, "error.html", {"title": "Not found", "message": f"No lead {lead_id}."}, 404)
    async with db.session() as session:  # its journeys waiting for SMTP or ClubOS
        journeys = list(await session.scalars(select(Enrollment.id).where(Enrollment.lead_id == lead_id)))
        detail["waits"] = await downstream.by_system(session, journeys)
    return render(request, "lead.html", detail)


@router.get("/leads/{lead_id}/details")
async def lead_details(request: Request, lead_id: str, _user: Viewer, db: DbDep) -> Response:
    detail = await _lead(db, lead_id)
    if detail is None:
        raise HTTPException(404, f"no lead {lead_id!r}")
    return render(request, "partials/journeys/lead_details.html", detail)


@router.post("/leads/{lead_id}/retry")
async def retry_step(
    request: Request,
    lead_id: str,
    user: Manager,
    db: DbDep,
    client: TemporalDep,
    enrollment_id: str = Form(max_length=200),
    step_id: str = Form(max_length=60),
    request_id: str | None = Form(None, pattern=PATTERN),
) -> Response:
    body = retries.RetryStepBody(enrollment_id=enrollment_id, step_id=step_id, request_id=request_id)
    done = await retries.retry_step(db, client, lead_id, body, user.email)
    detail = await _lead(db, lead_id)
    assert detail is not None
    retrying = None if done else (enrollment_id, step_id)  # else the step's outcome is already on the page
    return render(request, "partials/journeys/lead_details.html", {**detail, "retrying": retrying})
