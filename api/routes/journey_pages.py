"""Journeys in the browser: the list, one journey's page (flow diagram, version
history with rollback, publishing from YAML, on/off, analytics per version).
Actions go through the JSON API's functions, so the rules live in one place;
each section is a partial that re-fetches itself on the journey's live events."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response

from api import journey_view
from api.auth import CurrentUser, require_role
from api.campaign_ui import InlineErrors, render
from api.deps import DB_INT_MAX, get_db
from api.routes import journey_charts_api, journeys_api
from db import nurture_store
from db.models import Journey, JourneyVersion
from journeys.schema import parse_definition

router = APIRouter(tags=["journey pages"], route_class=InlineErrors)
viewer = require_role("manager", "operator")
manager = require_role("manager")
Section = Literal["head", "versions", "diagram", "analytics"]  # the parts that re-fetch themselves
VERSION_CHANGED = "journey-version"  # HX-Trigger after a publish or rollback: the diagram redraws


def partial(name: str) -> str:
    return f"partials/journeys/{name}.html"


def version_param(text: str) -> int | None:
    """The version selectors send "" for "the active one" / "all versions"."""
    return int(text) if text.isdigit() and 0 < int(text) <= DB_INT_MAX else None


def _totals(counts: dict[str, int]) -> dict[str, Any]:
    enrolled = sum(counts.values())
    goal = counts.get("goal_met", 0)
    return {
        "enrolled": enrolled,
        "active": counts.get("active", 0),
        "goal_met": goal,
        "conversion": goal / enrolled if enrolled else None,
    }


async def _list_context(request: Request) -> dict[str, Any]:
    rows = []
    async with get_db(request).session() as session:
        counts = await nurture_store.enrollment_counts(session)
        for journey in await nurture_store.journeys(session):
            shown = await nurture_store.version(session, journey.id)
            defn = parse_definition(shown.definition) if shown else None
            rows.append(
                {
                    "j": journey,
                    "description": defn.description if defn else "",
                    "trigger": journey_view.trigger_lines(defn.trigger)[0] if defn else "—",
                    "versions": len(await nurture_store.versions(session, journey.id)),
                    **_totals(counts.get(journey.id, {})),
                }
            )
    return {"rows": rows}


@router.get("/journeys")
async def journeys_page(request: Request, _user: CurrentUser = Depends(viewer)) -> Response:
    return render(request, "journeys.html", await _list_context(request))


@router.get("/ui/journeys")
async def journeys_list(request: Request, _user: CurrentUser = Depends(viewer)) -> Response:
    return render(request, "partials/journeys/list.html", await _list_context(request))


async def _loaded(request: Request, journey_id: str, version: int | None) -> tuple[Journey, JourneyVersion, list[Any]]:
    async with get_db(request).session() as session:
        journey = await session.get(Journey, journey_id)
        shown = await nurture_store.version(session, journey_id, version) if journey else None
        history = await nurture_store.versions(session, journey_id)
    if journey is None or shown is None:
        raise HTTPException(404, f"no journey {journey_id!r}" + (f" version {version}" if version else ""))
    return journey, shown, history


async def _analytics(request: Request, journey_id: str, version: int | None, user: CurrentUser) -> dict[str, Any]:
    data = await journeys_api.analytics(request, journey_id, version, user)
    _, shown, _ = await _loaded(request, journey_id, version)
    names = {s["id"]: s.get("name") or s["id"] for s in shown.definition["steps"]}
    top = max([data["enrolled"], *(s["reached"] for s in data["steps"])]) or 1
    steps = [
        {
            **s,
            "number": i + 1,
            "name": names.get(s["step_id"], s["step_id"]),
            "reached_pct": round(100 * s["reached"] / top),
            "dropped_pct": round(100 * s["dropped"] / s["reached"]) if s["reached"] else 0,
            "avg_time": journey_view.timespan(s["avg_time_s"]),
        }
        for i, s in enumerate(data["steps"])
    ]
    charts = await journey_charts_api.chart_context(get_db(request), journey_id, version)
    return {"a": {**data, "steps": steps}, "analytics_version": version, **charts}


async def journey_context(
    request: Request, journey_id: str, version: int | None, user: CurrentUser, **extra: Any
) -> dict[str, Any]:
    """Everything but the analytics: the journey, the version shown, its diagram, the counts."""
    journey, shown, history = await _loaded(request, journey_id, version)
    async with get_db(request).session() as session:
        counts = (await nurture_store.enrollment_counts(session)).get(journey_id, {})
    defn = parse_definition(shown.definition)
    return {
        "j": journey,
        "shown": shown,
        "defn": defn,
        "pinned": version is not None,
        "history": history,
        "diagram": journey_view.diagram(defn),
        "totals": _totals(counts),
        "by_status": counts,
        "visit": {},
        "taken": {},
        "is_manager": user.is_manager,
        **extra,
    }


@router.get("/journeys/{journey_id}")
async def journey_page(
    request: Request, journey_id: str, version: str = Query("", max_length=9), user: CurrentUser = Depends(viewer)
) -> Response:
    try:
        context = await journey_context(request, journey_id, version_param(version), user)
        context.update(await _analytics(request, journey_id, None, user))
    except HTTPException as exc:
        return render(request, "error.html", {"title": "Not found", "message": f"{exc.detail}."}, 404)
    return render(request, "journey.html", context)


@router.get("/journeys/{journey_id}/section/{section}")
async def journey_section(
    request: Request,
    journey_id: str,
    section: Section,
    version: str = Query("", max_length=9),
    user: CurrentUser = Depends(viewer),
) -> Response:
    """One section, re-fetched live. `version`: the diagram's version, or the analytics' (empty: all)."""
    chosen = version_param(version)
    context = await journey_context(request, journey_id, chosen if section == "diagram" else None, user)
    if section == "analytics":
        context.update(await _analytics(request, journey_id, chosen, user))
    return render(request, partial(section), context)


async def _respond(
    request: Request, journey_id: str, name: str, user: CurrentUser, status_code: int = 200, **extra: Any
) -> Response:
    """A section after an action, with its notice or errors; a version change also redraws the diagram."""
    context = await journey_context(request, journey_id, None, user, **extra)
    response = render(request, partial(name), context, status_code, inline=status_code >= 400)
    if status_code < 400 and name in ("versions", "publish"):
        response.headers["HX-Trigger"] = VERSION_CHANGED
    return response


@router.post("/journeys/{journey_id}/activate")
async def activate(request: Request, journey_id: str, user: CurrentUser = Depends(manager)) -> Response:
    await journeys_api.activate(request, journey_id, user)
    return await _respond(request, journey_id, "head", user, notice="Active: new leads enter this journey.")


@router.post("/journeys/{journey_id}/deactivate")
async def deactivate(request: Request, journey_id: str, user: CurrentUser = Depends(manager)) -> Response:
    await journeys_api.deactivate(request, journey_id, user)
    notice = "Inactive: no new leads enter; leads already on it finish their journey."
    return await _respond(request, journey_id, "head", user, notice=notice)


@router.post("/journeys/{journey_id}/rollback")
async def rollback(
    request: Request, journey_id: str, version: int = Form(ge=1, le=DB_INT_MAX), user: CurrentUser = Depends(manager)
) -> Response:
    await journeys_api.activate_version(request, journey_id, version, user)
    notice = f"Version {version} is active: new leads take it; running leads finish on theirs."
    return await _respond(request, journey_id, "versions", user, notice=notice)


@router.post("/journeys/{journey_id}/publish")
async def publish(
    request: Request,
    journey_id: str,
    source: str = Form("", max_length=100_000),
    note: str = Form("", max_length=300),
    activate: bool = Form(False),
    user: CurrentUser = Depends(manager),
) -> Response:
    """A new version from YAML. Invalid YAML or definitions come back inline, each error with its path."""
    await _loaded(request, journey_id, None)  # 404 before anything: publishing must not create journeys
    kept = {"source": source, "note": note, "activate": activate, "open": True}
    if not source.strip():
        errors = [{"path": "source", "message": "paste the journey's YAML"}]
        return await _respond(request, journey_id, "publish", user, 422, errors=errors, **kept)
    body = journeys_api.PublishBody(source=source, note=note.strip(), activate=activate)
    result = json.loads((await journeys_api.publish(request, journey_id, body, user)).body)
    if "detail" in result:
        return await _respond(request, journey_id, "publish", user, 422, errors=result["detail"], **kept)
    state = "and made it active" if result["active"] else "(not active: roll forward from the history)"
    notice = f"Published version {result['version']} {state}."
    return await _respond(request, journey_id, "publish", user, notice=notice, open=True)
