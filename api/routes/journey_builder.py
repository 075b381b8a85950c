"""The visual journey builder's JSON API. The canvas edits the definition as JSON (journeys.canvas
model); the server writes it as YAML (the source of truth), validates it with the schema every
publish uses, publishes through journeys_api.publish and dry-runs unsaved drafts with the same
simulator as the journey page. "new" stands for a journey that does not exist yet. Where the canvas
draws each step is saved beside the journey (db JourneyCanvas), never in its YAML or versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints

from api import journey_service
from api.auth import Manager
from api.deps import DB_INT_MAX, DbDep, SettingsDep, TemporalGetterDep
from contracts.journeys import LeadSnapshot
from db import journey_store
from db.models import Journey
from journeys.canvas import canvas_model, model_of, problems, to_yaml
from journeys.schema import JourneyDefinitionError, parse_definition, parse_duration
from journeys.simulate import SampleEvent, simulate

router = APIRouter(prefix="/api", tags=["journeys"])
NEW = "new"
BLANK: dict[str, Any] = {"id": "", "name": "", "trigger": {"type": "webhook"}, "steps": []}
# What a message template can use: the lead's fields (journeys.facts.render) plus the club's.
TEMPLATE_FIELDS = ["first_name", "club", "booking_link", "region", "source", "stage", "score", "channel_preference"]


class Problem(BaseModel):
    step: int | None = Field(description="0-based index of the step it concerns, if any")
    number: int | None = Field(description="the step's number as people count (1-based)")
    field: str
    message: str


StepId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]


class Point(BaseModel):
    x: int = Field(ge=0, le=20_000)
    y: int = Field(ge=0, le=20_000)


class CanvasPositions(BaseModel):
    positions: dict[StepId, Point] = Field(max_length=500, description="where the canvas draws each step, by id")


class BuilderModel(BaseModel):
    journey_id: str
    version: int | None = Field(description="the version loaded; none for a new journey")
    active_version: int | None
    versions: list[int]
    definition: dict[str, Any] = Field(description="the canvas model: the definition, defaults left out")
    yaml: str
    template_fields: list[str]
    positions: dict[str, Point] = Field(description="steps a manager has moved; the others are laid out")


class Draft(BaseModel):
    definition: dict[str, Any] = Field(description="the canvas model being edited")


class DraftResult(BaseModel):
    valid: bool
    yaml: str
    problems: list[Problem]


class BuilderPublishBody(Draft):
    note: str = Field("", max_length=300)
    activate: bool = True
    positions: dict[StepId, Point] | None = Field(None, max_length=500, description="a new journey's layout")


class BuilderPublished(BaseModel):
    journey_id: str
    version: int
    active: bool
    yaml: str


class BuilderDryRunBody(Draft):
    lead: dict[str, Any] = Field(default_factory=dict, description="sample lead fields and properties")
    events: list[journey_service.SampleEventBody] = Field(default_factory=list, max_length=50)


class PathStep(BaseModel):
    step_id: str
    number: int = Field(description="1-based position of the step in the journey")
    kind: str
    action: str
    why: str
    at: str


class DryRunResult(BaseModel):
    outcome: str
    path: list[PathStep]


def _validated(definition: dict[str, Any]) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """The model (or None), its YAML, and what is wrong with it."""
    try:
        model = model_of(definition)
    except JourneyDefinitionError as exc:
        try:
            text = to_yaml(definition)
        except (AttributeError, TypeError):  # too broken to write; the problems say why
            text = ""
        return None, text, [Problem(**p) for p in problems(exc.errors, definition)]
    found = []
    if model["id"] == NEW:
        found.append(Problem(step=None, number=None, field="id", message=f"id: {NEW!r} is reserved, pick another"))
    return (None if found else model), to_yaml(model), found


@router.get("/journeys/{journey_id}/builder", response_model=BuilderModel)
async def builder_model(
    journey_id: str,
    _user: Manager,
    db: DbDep,
    version: Annotated[int | None, Query(ge=1, le=DB_INT_MAX)] = None,
) -> BuilderModel:
    """Any published version as the canvas model (the active one by default); `new`: a blank journey."""
    if journey_id == NEW:
        blank = dict(BLANK)
        return BuilderModel(
            journey_id=NEW,
            version=None,
            active_version=None,
            versions=[],
            definition=blank,
            yaml=to_yaml(blank),
            template_fields=TEMPLATE_FIELDS,
            positions={},
        )
    journey = await journey_service.get_journey(db, journey_id)
    async with db.session() as session:
        chosen = await journey_store.version(session, journey_id, version)
        history = await journey_store.versions(session, journey_id)
        positions = await journey_store.canvas_positions(session, journey_id)
    if chosen is None:
        raise HTTPException(404, f"no version {version} of {journey_id!r}")
    try:
        model = canvas_model(chosen.source)
    except JourneyDefinitionError:  # a source the schema has since tightened: the stored definition still loads
        model = model_of(chosen.definition)
    return BuilderModel(
        journey_id=journey_id,
        version=chosen.version,
        active_version=journey.active_version,
        versions=[v.version for v in history],
        definition=model,
        yaml=to_yaml(model),
        template_fields=TEMPLATE_FIELDS,
        positions=positions,
    )


@router.put("/journeys/{journey_id}/builder/positions", response_model=CanvasPositions)
async def builder_positions(journey_id: str, body: CanvasPositions, user: Manager, db: DbDep) -> CanvasPositions:
    """Saves where the canvas draws the steps, at once: layout is not a change of the journey (no version)."""
    async with db.transaction() as session:
        if await session.get(Journey, journey_id) is None:
            raise HTTPException(404, f"no journey {journey_id!r}")
        await journey_store.save_canvas_positions(session, journey_id, body.model_dump()["positions"], user.email)
    return body


@router.post("/journeys/{journey_id}/builder/yaml", response_model=DraftResult)
async def builder_yaml(journey_id: str, body: Draft, _user: Manager) -> DraftResult:
    """The draft as YAML and its problems, per step: the canvas checks itself while it is edited."""
    model, text, found = _validated(body.definition)
    return DraftResult(valid=model is not None, yaml=text, problems=found)


@router.post(
    "/journeys/{journey_id}/builder/publish",
    response_model=BuilderPublished,
    status_code=201,
    responses={422: {"description": "the draft's problems: {detail: [Problem]}"}},
)
async def builder_publish(
    journey_id: str,
    body: BuilderPublishBody,
    user: Manager,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalGetterDep,
) -> BuilderPublished | JSONResponse:
    """A new version from the canvas: its YAML goes through the same publish (and validation) as a hand edit."""
    model, text, found = _validated(body.definition)
    if model is not None and journey_id != NEW and model["id"] != journey_id:
        found = [Problem(step=None, number=None, field="id", message=f"id: must stay {journey_id!r}")]
    if model is not None and journey_id == NEW:  # a new journey never lands on top of an existing one
        async with db.session() as session:
            if await session.get(Journey, model["id"]) is not None:
                message = f"id: a journey {model['id']!r} exists already, pick another"
                found = [Problem(step=None, number=None, field="id", message=message)]
    if model is None or found:
        return JSONResponse({"detail": [p.model_dump() for p in found]}, status_code=422)
    publish = journey_service.PublishBody(source=text, note=body.note.strip(), activate=body.activate)
    try:
        result = await journey_service.publish(db, temporal, settings, model["id"], publish, user.email)
    except journey_service.PublishRejected as exc:  # the same rules said no: show them as the canvas shows its own
        return JSONResponse({"detail": [p | {"step": None, "number": None} for p in exc.errors]}, 422)
    if body.positions is not None and journey_id == NEW:  # a new journey's layout lands with it
        async with db.transaction() as session:
            positions = CanvasPositions(positions=body.positions).model_dump()["positions"]
            await journey_store.save_canvas_positions(session, model["id"], positions, user.email)
    return BuilderPublished(journey_id=model["id"], version=result["version"], active=result["active"], yaml=text)


@router.post(
    "/journeys/{journey_id}/builder/dry-run",
    response_model=DryRunResult,
    responses={422: {"description": "the draft's problems: {detail: [Problem]}"}},
)
async def builder_dry_run(journey_id: str, body: BuilderDryRunBody, _user: Manager) -> DryRunResult | JSONResponse:
    """The path a sample lead would take through the draft on the canvas (saved or not). Nothing is sent."""
    model, _, found = _validated(body.definition)
    if model is None:
        return JSONResponse({"detail": [p.model_dump() for p in found]}, status_code=422)
    definition = parse_definition(model)
    now = datetime.now(UTC)
    try:
        lead = LeadSnapshot.model_validate({"id": "sample", "created_at": now, **body.lead})
    except ValueError as exc:
        raise HTTPException(422, f"sample lead: {exc}") from exc
    events = [SampleEvent(e.type, parse_duration(e.after), e.channel) for e in body.events]
    path, outcome = simulate(definition, lead, events, now)
    return DryRunResult(
        outcome=outcome,
        path=[
            PathStep(
                step_id=p.step_id,
                number=definition.index(p.step_id) + 1,
                kind=p.kind,
                action=p.action,
                why=p.why,
                at=str(p.at),
            )
            for p in path
        ],
    )
