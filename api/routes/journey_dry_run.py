"""The dry run form on a journey's page: a sample lead (fields, extra properties
as YAML) and scripted events go through journey_service's dry run (as the JSON
API's do); the answer is the path as a list with the reason for each turn, and
the diagram redrawn with the visited steps numbered in order (an out-of-band swap)."""

from __future__ import annotations

import re
from typing import Any

import yaml
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api import journey_service
from api.auth import Viewer
from api.deps import DbDep
from api.html import InlineErrors, problem_text, render
from api.journey_page_view import journey_context, version_param
from api.journey_service import DryRunBody

router = APIRouter(tags=["journey pages"], route_class=InlineErrors, include_in_schema=False)
EVENT_ROWS = 4
LEAD_FIELDS = ("first_name", "region", "source", "stage", "channel_preference")
_TIMEDELTA = re.compile(r"^(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)")


def elapsed(text: str) -> str:
    """The API's "2 days, 3:00:00" as "day 2 +3h"; "0:00:00" as "start"."""
    match = _TIMEDELTA.match(text)
    if not match:
        return text
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    clock = " ".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")) if n)
    if not days:
        return f"+{clock}" if clock else "start"
    return f"day {days}" + (f" +{clock}" if clock else "")


def sample(form: FormData) -> DryRunBody:
    """The form as the API's dry-run body. ValueError/ValidationError say what is wrong."""
    lead: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in LEAD_FIELDS}
    lead = {name: value for name, value in lead.items() if value}
    score = str(form.get("score", "")).strip()
    if score:
        if not score.isdigit() or int(score) > 100:
            raise ValueError("score: a whole number from 0 to 100")
        lead["score"] = int(score)
    extra = str(form.get("properties", "")).strip()
    if extra:
        try:
            properties = yaml.safe_load(extra)
        except yaml.YAMLError as exc:
            raise ValueError(f"properties: not valid YAML ({exc.__class__.__name__})") from exc
        if not isinstance(properties, dict):
            raise ValueError("properties: one “name: value” per line")
        lead["properties"] = {str(k): v for k, v in properties.items()}
    events = []
    for i in range(EVENT_ROWS):
        kind = str(form.get(f"event_type_{i}", "")).strip()
        if kind:
            after = str(form.get(f"event_after_{i}", "")).strip() or "0s"
            channel = str(form.get(f"event_channel_{i}", "")).strip() or None
            events.append({"type": kind, "after": after, "channel": channel})
    return DryRunBody.model_validate({"lead": lead, "events": events})


def _problem(exc: Exception) -> str:
    text = problem_text(exc)
    return text.replace("events.", "event row ").replace("after:", "when:") if "events." in text else text


@router.post("/journeys/{journey_id}/dry-run")
async def dry_run(request: Request, journey_id: str, user: Viewer, db: DbDep) -> Response:
    form = await request.form()
    version = version_param(str(form.get("version", "")))
    template = "partials/journeys/dry_run_result.html"
    try:
        result = await journey_service.dry_run(db, journey_id, sample(form), version)
    except (ValueError, ValidationError) as exc:  # pydantic's ValidationError is a ValueError too
        return render(request, template, {"error": _problem(exc)}, 422, inline=True)
    except HTTPException as exc:
        return render(request, template, {"error": str(exc.detail)}, exc.status_code, inline=True)
    path = [{**line, "when": elapsed(line["at"])} for line in result["path"]]
    visit: dict[str, list[int]] = {}
    taken: dict[str, str] = {}
    for n, line in enumerate(path, start=1):
        visit.setdefault(line["step_id"], []).append(n)
        if line["kind"] == "branch" and line["action"].startswith("go to "):
            taken[line["step_id"]] = line["action"].removeprefix("go to ")
    context = await journey_context(db, journey_id, version, user.is_manager, visit=visit, taken=taken)
    context.update(path=path, outcome=result["outcome"], dry_version=result["version"], oob=True)
    return render(request, template, context)
