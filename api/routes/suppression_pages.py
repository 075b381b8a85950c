"""The suppression list in the browser: who must not be messaged, on which
channel. Managers add and remove entries; operators read."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api import control_service
from api.auth import Manager, Viewer
from api.control_service import SuppressionBody
from api.deps import DbDep, DbId
from api.html import InlineErrors, problem_text, render
from db import suppression
from db.engine import Database

router = APIRouter(tags=["suppression"], route_class=InlineErrors, include_in_schema=False)


async def _list(request: Request, db: Database, template: str, status_code: int = 200, **message: str) -> Response:
    async with db.session() as session:
        rows = await suppression.listing(session)
    return render(request, template, {"rows": rows, **message}, status_code, inline=status_code >= 400)


@router.get("/suppression")
async def suppression_page(request: Request, _user: Viewer, db: DbDep) -> Response:
    return await _list(request, db, "suppression.html")


@router.get("/suppression/list")
async def suppression_list(request: Request, _user: Viewer, db: DbDep) -> Response:
    return await _list(request, db, "partials/campaigns/suppression_list.html")


@router.post("/suppression")
async def add(
    request: Request,
    user: Manager,
    db: DbDep,
    contact: str = Form(max_length=200),
    channel: Literal["sms", "email", "all"] = Form("all"),
    reason: str = Form("", max_length=300),
) -> Response:
    template = "partials/campaigns/suppression_list.html"
    try:
        body = SuppressionBody(contact=contact.strip(), channel=channel, reason=reason.strip() or "added by staff")
    except ValidationError as exc:
        return await _list(request, db, template, 422, error=problem_text(exc))
    result = await control_service.add_suppression(db, body, user.email)
    if not result["created"]:
        return await _list(request, db, template, notice=f"{result['contact']} is already suppressed on {channel}.")
    return await _list(request, db, template, notice=f"Added {result['contact']} ({channel}).", added=result["contact"])


@router.delete("/suppression/{suppression_id}")
async def remove(request: Request, suppression_id: DbId, user: Manager, db: DbDep) -> Response:
    template = "partials/campaigns/suppression_list.html"
    try:
        await control_service.remove_suppression(db, suppression_id)
    except HTTPException as exc:
        return await _list(request, db, template, exc.status_code, error=f"Not removed: {exc.detail}.")
    return await _list(request, db, template, notice="Removed: they can be messaged again.")
