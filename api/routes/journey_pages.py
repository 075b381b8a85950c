"""Journeys in the browser: the list, one journey's page (flow diagram, version
history with rollback, publishing from YAML, on/off, analytics per version).
Actions go through journey_service, as the JSON API's do, so the rules live in
one place; each section is a partial that re-fetches itself on the journey's
live events."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from api import journey_charts, journey_page_view, journey_service, journey_view
from api.auth import CurrentUser, Manager, Viewer
from api.deps import DB_INT_MAX, DbDep, SettingsDep, TemporalGetterDep
from api.html import InlineErrors, render
from api.journey_page_view import journey_context, partial, totals, version_param
from db import journey_store
from db.engine import Database
from journeys.schema import parse_definition

router = APIRouter(tags=["journey pages"], route_class=InlineErrors, include_in_schema=False)
Section = Literal["head", "versions", "diagram", "analytics"]  # the parts that re-fetch themselves
VERSION_CHANGED = "journey-version"  # HX-Trigger after a publish or rollback: the diagram redraws


async def _list_context(db: Database) -> dict[str, Any]:
    rows = []
    async with db.session() as session:
        counts = await journey_store.enrollment_counts(session)
        for journey in await journey_store.journeys(session):
            shown = await journey_store.version(session, journey.id)
            defn = parse_definition(shown.definition) if shown else None
            rows.append(
                {
                    "j": journey,
                    "description": defn.description if defn else "",
                    "trigger": journey_view.trigger_lines(defn.trigger)[0] if defn else "—",
                    "versions": len(await journey_store.versions(session, journey.id)),
                    **totals(counts.get(journey.id, {})),
                }
            )
    return {"rows": rows}


@router.get("/journeys")
async def journeys_page(request: Request, user: Viewer, db: DbDep) -> Response:
    return render(request, "journeys.html", {**await _list_context(db), "is_manager": user.is_manager})


@router.get("/ui/journeys")
async def journeys_list(request: Request, _user: Viewer, db: DbDep) -> Response:
    return render(request, "partials/journeys/list.html", await _list_context(db))


async def _analytics(db: Database, journey_id: str, version: int | None) -> dict[str, Any]:
    """The numbers, and the charts and flow with counts drawn from them (api/journey_charts.py)."""
    context = await journey_page_view.analytics_context(db, journey_id, version)
    return {**context, **await journey_charts.chart_context(db, journey_id, version)}


@router.get("/journeys/{journey_id}")
async def journey_page(
    request: Request, journey_id: str, user: Viewer, db: DbDep, version: str = Query("", max_length=9)
) -> Response:
    try:
        context = await journey_context(db, journey_id, version_param(version), user.is_manager)
        context.update(await _analytics(db, journey_id, None))
    except HTTPException as exc:
        return render(request, "error.html", {"title": "Not found", "message": f"{exc.detail}."}, 404)
    return render(request, "journey.html", context)


@router.get("/journeys/{journey_id}/builder")
async def builder_page(
    request: Request, journey_id: str, _user: Manager, db: DbDep, version: str = Query("", max_length=9)
) -> Response:
    """The visual builder (web/static/js/journey_builder.js draws it from /api/journeys/<id>/builder)."""
    name = "New journey"
    if journey_id != "new":
        try:
            journey, _, _ = await journey_page_view.loaded(db, journey_id, version_param(version))
        except HTTPException as exc:
            return render(request, "error.html", {"title": "Not found", "message": f"{exc.detail}."}, 404)
        name = journey.name
    context = {"journey_id": journey_id, "name": name, "version": version_param(version) or ""}
    return render(request, "journey_builder.html", context)


@router.get("/journeys/{journey_id}/section/{section}")
async def journey_section(
    request: Request,
    journey_id: str,
    section: Section,
    user: Viewer,
    db: DbDep,
    version: str = Query("", max_length=9),
) -> Response:
    """One section, re-fetched live. `version`: the diagram's version, or the analytics' (empty: all)."""
    chosen = version_param(version)
    context = await journey_context(db, journey_id, chosen if section == "diagram" else None, user.is_manager)
    if section == "analytics":
        context.update(await _analytics(db, journey_id, chosen))
    return render(request, partial(section), context)


async def _respond(
    request: Request, db: Database, journey_id: str, name: str, user: CurrentUser, status_code: int = 200, **extra: Any
) -> Response:
    """A section after an action, with its notice or errors; a version change also redraws the diagram."""
    context = await journey_context(db, journey_id, None, user.is_manager, **extra)
    response = render(request, partial(name), context, status_code, inline=status_code >= 400)
    if status_code < 400 and name in ("versions", "publish"):
        response.headers["HX-Trigger"] = VERSION_CHANGED
    return response


@router.post("/journeys/{journey_id}/activate")
async def activate(
    request: Request, journey_id: str, user: Manager, db: DbDep, temporal: TemporalGetterDep, settings: SettingsDep
) -> Response:
    await journey_service.set_active(db, temporal, settings, journey_id, True, user.email)
    return await _respond(request, db, journey_id, "head", user, notice="Active: new leads enter this journey.")


@router.post("/journeys/{journey_id}/deactivate")
async def deactivate(
    request: Request, journey_id: str, user: Manager, db: DbDep, temporal: TemporalGetterDep, settings: SettingsDep
) -> Response:
    await journey_service.set_active(db, temporal, settings, journey_id, False, user.email)
    notice = "Inactive: no new leads enter; leads already on it finish their journey."
    return await _respond(request, db, journey_id, "head", user, notice=notice)


@router.post("/journeys/{journey_id}/rollback")
async def rollback(
    request: Request,
    journey_id: str,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    settings: SettingsDep,
    version: int = Form(ge=1, le=DB_INT_MAX),
) -> Response:
    await journey_service.activate_version(db, temporal, settings, journey_id, version, user.email)
    notice = f"Version {version} is active: new leads take it; running leads finish on theirs."
    return await _respond(request, db, journey_id, "versions", user, notice=notice)


@router.post("/journeys/{journey_id}/publish")
async def publish(
    request: Request,
    journey_id: str,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    settings: SettingsDep,
    source: str = Form("", max_length=100_000),
    note: str = Form("", max_length=300),
    activate: bool = Form(False),
) -> Response:
    """A new version from YAML. Invalid YAML or definitions come back inline, each error with its path."""
    await journey_page_view.loaded(db, journey_id, None)  # 404 before anything: publishing must not create journeys
    kept = {"source": source, "note": note, "activate": activate, "open": True}
    if not source.strip():
        errors = [{"path": "source", "message": "paste the journey's YAML"}]
        return await _respond(request, db, journey_id, "publish", user, 422, errors=errors, **kept)
    body = journey_service.PublishBody(source=source, note=note.strip(), activate=activate)
    try:
        result = await journey_service.publish(db, temporal, settings, journey_id, body, user.email)
    except journey_service.PublishRejected as exc:
        return await _respond(request, db, journey_id, "publish", user, 422, errors=exc.errors, **kept)
    state = "and made it active" if result["active"] else "(not active: roll forward from the history)"
    notice = f"Published version {result['version']} {state}."
    return await _respond(request, db, journey_id, "publish", user, notice=notice, open=True)
