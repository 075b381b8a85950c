"""Emitting Active signals: apply the requested changes to the shared world, then send the webhook."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sandbox.active.signals import encode, event_payload
from sandbox.active.webhook_records import WebhookEvent
from sandbox.active.webhooks import WebhookDispatcher
from sandbox.models import SandboxData

EventType = Literal["customer.risk_signal", "customer.updated"]


class EmitRequest(BaseModel):
    """Overrides on top of the account's current profile. `renewal_in_days`, `risk_score` and
    `usage_change_pct` also change the account itself, so Salesforce and Active keep agreeing."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str
    type: EventType = "customer.risk_signal"
    risk_score: int | None = Field(None, ge=0, le=100)
    renewal_in_days: int | None = Field(None, ge=0, le=1825)
    usage_change_pct: float | None = Field(None, ge=-100, le=1000)
    support_tickets_open: int | None = Field(None, ge=0, le=10_000)
    notes: str | None = Field(None, max_length=2000)
    wait: bool = False


class UnknownCustomerError(LookupError):
    pass


def prepare_event(data: SandboxData, request: EmitRequest, now: datetime) -> WebhookEvent:
    """Apply the request's changes to the account and build the event. Raises UnknownCustomerError."""
    account = data.account_by_key(request.customer_id)
    if account is None:
        raise UnknownCustomerError(request.customer_id)
    if request.renewal_in_days is not None:
        data.set_renewal_date(account, now.date() + timedelta(days=request.renewal_in_days), now)
    if request.risk_score is not None:
        account.profile.risk_score = request.risk_score
    if request.usage_change_pct is not None:
        account.profile.trend_pct = request.usage_change_pct
    if any(value is not None for value in (request.renewal_in_days, request.risk_score, request.usage_change_pct)):
        data.changed(account)
    payload = event_payload(
        data,
        account,
        request.type,
        now,
        support_tickets_open=request.support_tickets_open,
        notes=request.notes,
    )
    return WebhookEvent(payload["event_id"], request.type, account.key, encode(payload), now)


async def emit(data: SandboxData, dispatcher: WebhookDispatcher, request: EmitRequest) -> dict[str, Any]:
    event = prepare_event(data, request, datetime.now(UTC))
    attempts = await dispatcher.deliver(event, wait_first=request.wait)
    return {"event_id": event.event_id, "deliveries": [attempt.as_dict() for attempt in attempts]}


async def emit_random(
    data: SandboxData,
    dispatcher: WebhookDispatcher,
    rng: random.Random,
    count: int,
    event_type: EventType,
) -> list[str]:
    """Emit for `count` distinct random accounts (at most all of them); returns the event ids."""
    accounts = rng.sample(data.accounts, min(count, len(data.accounts)))
    event_ids = []
    for account in accounts:
        result = await emit(data, dispatcher, EmitRequest(customer_id=account.key, type=event_type))
        event_ids.append(result["event_id"])
    return event_ids
