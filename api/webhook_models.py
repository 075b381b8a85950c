"""The Active customer-update webhook payload, validated strictly (422 says what is wrong), the parsing of a
webhook's raw body (read by the route itself, as its signature covers the bytes), and the webhooks' answers."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Literal, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts.intelligence import RiskSignal

SLUG = r"^[a-z0-9][a-z0-9-]{0,79}$"
M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M], body: bytes) -> M:
    """The body as `model`, or a 422 naming what is wrong: not UTF-8 and nesting too deep for the parser are
    "invalid JSON" too (UnicodeDecodeError and RecursionError would otherwise be 500s)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body",), "msg": f"invalid JSON: {exc}", "input": None}]
        ) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookCustomer(_Strict):
    id: str = Field(pattern=SLUG, description="customer key, e.g. acme-corp")
    name: str = Field(min_length=1, max_length=200)


class WebhookSignals(_Strict):
    risk_score: int | None = Field(default=None, ge=0, le=100)
    usage_change_pct: float | None = Field(default=None, ge=-100, le=1000)
    engagement_score: int | None = Field(default=None, ge=0, le=100)
    support_tickets_open: int | None = Field(default=None, ge=0, le=10_000)
    renewal_date: date | None = None
    notes: str | None = Field(default=None, max_length=2000)


class CustomerUpdateWebhook(_Strict):
    event_id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{6,100}$")
    type: Literal["customer.risk_signal", "customer.updated"]
    occurred_at: datetime
    customer: WebhookCustomer
    signals: WebhookSignals = Field(default_factory=WebhookSignals)

    def to_signal(self) -> RiskSignal:
        s = self.signals
        return RiskSignal(
            event_id=self.event_id,
            type=self.type,
            occurred_at=self.occurred_at,
            customer_id=self.customer.id,
            customer_name=self.customer.name,
            risk_score=s.risk_score,
            usage_change_pct=s.usage_change_pct,
            engagement_score=s.engagement_score,
            support_tickets_open=s.support_tickets_open,
            renewal_date=s.renewal_date,
            notes=s.notes,
        )


class CustomerUpdateAck(BaseModel):
    """202 accepted (handed to the customer's intelligence workflow), or 200 duplicate (this event id was
    processed before: a redelivery)."""

    status: Literal["accepted", "duplicate"]
    event_id: str
    workflow_id: str | None = Field(default=None, description="the customer's intelligence workflow (accepted)")


class MessagePushAck(BaseModel):
    """202: the message is stored (or was already, a redelivery); its triage starts just after."""

    status: Literal["stored", "duplicate"]
    triage_started: int = Field(description="1 when this delivery stored the message and handed it to triage")


class LeadAck(BaseModel):
    """201: the lead (new or matched by email or phone) and the journeys this intake enrolled it in. A retried
    POST with the same idempotency key gets the first answer back."""

    lead_id: str
    created: bool = Field(description="false when an existing lead matched")
    enrolled: list[str] = Field(description="workflow ids of the journeys started for the lead")


class EngagementAck(BaseModel):
    """202 accepted (recorded, the lead's running journeys signalled, triggers run), or duplicate (this event id
    was recorded before; delivered again all the same)."""

    status: Literal["accepted", "duplicate"]
    event_id: str | None = Field(default=None, description="duplicate only")
    lead_id: str | None = None
    signalled: int | None = Field(default=None, description="running journeys of the lead that were told")
    enrolled: list[str] | None = Field(default=None, description="journeys the event started")
