"""Lead intake and engagement events: seed 002's lead intake at `POST /webhooks/lead` (beside the other
webhooks; `POST /webhook/lead` is its deprecated old path) and seed 003's events. Signed
(`X-Renubu-Timestamp`, `X-Renubu-Signature: v1=<hmac>`) or sent with a staff API key (`X-API-Key`)."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from temporalio.service import RPCError, RPCStatusCode

from api import idempotency, webhook_metrics
from api.deps import DbDep, SettingsDep, TemporalGetter, TemporalGetterDep, temporal_call
from api.signatures import check_request
from api.webhook_models import EngagementAck, LeadAck, parse_body
from contracts import names
from contracts.journeys import Engagement
from core.settings import Settings
from db import intake_requests, journey_store, users
from db.engine import Database
from db.models import Lead
from journeys import enroll
from journeys.facts import snapshot

router = APIRouter(tags=["webhooks"])
INTAKE_RETRY_WINDOW = timedelta(days=1)  # how long a sender may retry a lead it was answered 503 for


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LeadIn(_Strict):
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)
    phone: str | None = Field(None, pattern=r"^\+[1-9]\d{7,14}$", description="E.164")
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    source: str = Field("", max_length=60)
    region: str | None = Field(None, max_length=60)
    timezone: str = Field("America/New_York", max_length=60)
    properties: dict[str, Any] = Field(default_factory=dict)
    request_id: idempotency.RequestIdField  # or the Idempotency-Key header: a retry answers as the first did

    @field_validator("first_name", "last_name", "source", "region")
    @classmethod
    def _no_control_characters(cls, value: str | None) -> str | None:
        # A CR/LF in a name reached an email header: the send failed and its activity retried for ever.
        return None if value is None else "".join(c for c in value if unicodedata.category(c) != "Cc")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # Checked here, where a 422 can name the field: journey workflows compute the lead's local time with it.
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as America/New_York)") from exc
        return value

    @model_validator(mode="after")
    def _reachable(self) -> LeadIn:
        if not self.email and not self.phone:
            raise ValueError("a lead needs an email or a phone number")
        return self


class EventIn(_Strict):
    event_id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{6,100}$")
    type: Literal["opened", "clicked", "replied", "visited", "booked", "unsubscribed", "bounced"]
    lead_id: str | None = None
    email: str | None = None
    phone: str | None = None
    channel: Literal["email", "sms", "chat", "web"] | None = None
    occurred_at: datetime | None = None
    data: dict[str, Any] = Field(default_factory=dict)


def _body(model: type[BaseModel]) -> dict[str, Any]:
    """The documented body: the route reads the raw bytes itself (the signature covers them), so FastAPI cannot."""
    schema = {"schema": model.model_json_schema(ref_template="#/components/schemas/{model}")}
    return {"requestBody": {"required": True, "content": {"application/json": schema}}}


async def authenticate(request: Request, settings: Settings, db: Database) -> bytes:
    body = await request.body()
    key = request.headers.get("x-api-key")
    if key:
        async with db.transaction() as session:
            user = await users.user_for_api_key(session, key)
        if user is None or user.role not in ("manager", "operator"):
            raise HTTPException(401, "invalid API key")
        return body
    check_request(
        request,
        body,
        settings.journeys.intake_webhook_secret.get_secret_value(),
        settings.active.signature_tolerance_s,
        prefix="X-Renubu",
    )
    return body


@router.post("/webhooks/lead", status_code=201, response_model=LeadAck, openapi_extra=_body(LeadIn))
@router.post("/webhook/lead", status_code=201, response_model=LeadAck, openapi_extra=_body(LeadIn), deprecated=True)
async def intake(
    request: Request,
    settings: SettingsDep,
    db: DbDep,
    temporal: TemporalGetterDep,
    idempotency_key: idempotency.IdempotencyHeader = None,
) -> dict[str, Any]:
    """With an idempotency key (`Idempotency-Key` header or `request_id`), a retried POST gets the first answer
    back and creates or enrols nothing more; the same key with another lead is a 422."""
    lead_in: LeadIn = parse_body(LeadIn, await authenticate(request, settings, db))
    key = idempotency.request_id(lead_in.request_id, idempotency_key)
    fields = lead_in.model_dump(exclude={"request_id"})
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()
    if key:
        async with db.session() as session:
            try:
                first = await intake_requests.answered(session, key, digest)
            except intake_requests.KeyReused as exc:
                raise HTTPException(422, str(exc)) from exc
        if first is not None:
            return first
    answer = await _intake(temporal, settings, db, fields)
    if key:  # kept only once it succeeded: a 503 (Temporal unreachable) is retried for real
        async with db.transaction() as session:
            await intake_requests.remember(session, key, digest, answer)
    return answer


async def _intake(temporal: TemporalGetter, settings: Settings, db: Database, fields: dict[str, Any]) -> dict[str, Any]:
    async with db.transaction() as session:
        lead, created = await journey_store.upsert_lead(session, fields)
        # The retry of an intake whose enrolment failed part-way (Temporal unreachable: 503) is still the lead's
        # first: its new-lead journeys are started again (idempotent: one workflow id per lead and journey).
        first = created or lead.created_at > datetime.now(UTC) - INTAKE_RETRY_WINDOW
        snap = snapshot(lead)
    client = await temporal()
    triggers = [("new_lead", None), ("condition", None)] if first else [("condition", None)]
    async with temporal_call():  # enrolling is idempotent (one workflow id per lead and journey)
        started = await enroll.on_trigger(client, db, settings, snap, *triggers)
    return {"lead_id": snap.id, "created": created, "enrolled": started}


@router.post(
    "/webhooks/events",
    status_code=202,
    response_model=EngagementAck,
    response_model_exclude_none=True,
    openapi_extra=_body(EventIn),
)
async def event(request: Request, settings: SettingsDep, db: DbDep, temporal: TemporalGetterDep) -> dict[str, Any]:
    e: EventIn = parse_body(EventIn, await authenticate(request, settings, db))
    occurred = e.occurred_at or datetime.now(UTC)
    client = await temporal()
    # The event (and its score) is recorded once; delivering it is idempotent (a journey ignores an event id it
    # has, enrolling is one workflow per lead and journey), so every delivery, a retry included, signals the lead's
    # running journeys and runs its triggers. A Temporal error answers 503 + Retry-After and the retry delivers
    # what the first attempt could not. No transaction stays open across a Temporal call (SQLite: one writer).
    async with db.transaction() as session:
        lead = (
            (await session.get(Lead, e.lead_id))
            if e.lead_id
            else await journey_store.find_lead(session, e.email, e.phone)
        )
        if lead is None:
            raise HTTPException(404, "no such lead")
        new = await journey_store.record_event(
            session, event_id=e.event_id, lead=lead, type=e.type, channel=e.channel, data=e.data, occurred_at=occurred
        )
        snap = snapshot(lead)
        enrollments = await journey_store.active_enrollments(session, lead.id)
    signal = Engagement(event_id=e.event_id, type=e.type, channel=e.channel, at=occurred, data=e.data, lead=snap)
    async with temporal_call():
        for enrollment in enrollments:
            try:
                await client.get_workflow_handle(enrollment.id).signal(names.JOURNEY_ENGAGEMENT, signal)
            except RPCError as exc:  # it finished a moment ago; the event is stored for the analytics either way
                if exc.status != RPCStatusCode.NOT_FOUND:
                    raise
        started = await enroll.on_trigger(client, db, settings, snap, ("event", e.type), ("condition", None))
    if not new:
        webhook_metrics.duplicate("engagement")
        return {"status": "duplicate", "event_id": e.event_id}
    return {"status": "accepted", "lead_id": snap.id, "signalled": len(enrollments), "enrolled": started}
