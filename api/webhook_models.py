"""The Active customer-update webhook payload, validated strictly (422 says what is wrong), and the parsing of
a webhook's raw body (read by the route itself, as its signature covers the bytes)."""

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
