"""A journey's page as template contexts (the journey, the version shown, its
diagram, the counts, the analytics), shared by journey_pages and journey_dry_run
(the dry run redraws the diagram). Explicit arguments, no Request."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from api import journey_service, journey_view, template_helpers
from api.deps import DB_INT_MAX
from db import journey_store
from db.engine import Database
from db.models import Journey, JourneyVersion
from journeys.schema import parse_definition


def partial(name: str) -> str:
    return f"partials/journeys/{name}.html"


def version_param(text: str) -> int | None:
    """The version selectors send "" for "the active one" / "all versions"."""
    return int(text) if text.isdigit() and 0 < int(text) <= DB_INT_MAX else None


def totals(counts: dict[str, int]) -> dict[str, Any]:
    enrolled = sum(counts.values())
    goal = counts.get("goal_met", 0)
    return {
        "enrolled": enrolled,
        "active": counts.get("active", 0),
        "goal_met": goal,
        "conversion": goal / enrolled if enrolled else None,
    }


async def loaded(db: Database, journey_id: str, version: int | None) -> tuple[Journey, JourneyVersion, list[Any]]:
    async with db.session() as session:
        journey = await session.get(Journey, journey_id)
        shown = await journey_store.version(session, journey_id, version) if journey else None
        history = await journey_store.versions(session, journey_id)
    if journey is None or shown is None:
        raise HTTPException(404, f"no journey {journey_id!r}" + (f" version {version}" if version else ""))
    return journey, shown, history


async def analytics_context(db: Database, journey_id: str, version: int | None) -> dict[str, Any]:
    data = await journey_service.analytics(db, journey_id, version)
    _, shown, _ = await loaded(db, journey_id, version)
    names = {s["id"]: s.get("name") or s["id"] for s in shown.definition["steps"]}
    top = max([data["enrolled"], *(s["reached"] for s in data["steps"])]) or 1
    steps = [
        {
            **s,
            "number": i + 1,
            "name": names.get(s["step_id"], s["step_id"]),
            "reached_pct": round(100 * s["reached"] / top),
            "dropped_pct": round(100 * s["dropped"] / s["reached"]) if s["reached"] else 0,
            "avg_time": template_helpers.duration(s["avg_time_s"]),
        }
        for i, s in enumerate(data["steps"])
    ]
    return {"a": {**data, "steps": steps}, "analytics_version": version}


async def journey_context(
    db: Database, journey_id: str, version: int | None, is_manager: bool, **extra: Any
) -> dict[str, Any]:
    """Everything but the analytics: the journey, the version shown, its diagram, the counts."""
    journey, shown, history = await loaded(db, journey_id, version)
    async with db.session() as session:
        counts = (await journey_store.enrollment_counts(session)).get(journey_id, {})
    defn = parse_definition(shown.definition)
    return {
        "j": journey,
        "shown": shown,
        "defn": defn,
        "pinned": version is not None,
        "history": history,
        "diagram": journey_view.diagram(defn),
        "totals": totals(counts),
        "by_status": counts,
        "visit": {},
        "taken": {},
        "is_manager": is_manager,
        **extra,
    }
