"""Header-protected admin for Active: emit signals, redeliver, inspect deliveries, control the timer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from sandbox.active.emit import EmitRequest, EventType, UnknownCustomerError, emit, emit_random
from sandbox.guards import require_admin
from sandbox.state import SandboxState, get_state

router = APIRouter(prefix="/_sandbox/active", dependencies=[Depends(require_admin)], tags=["sandbox admin"])
State = Annotated[SandboxState, Depends(get_state)]


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1, le=240)
    type: EventType = "customer.risk_signal"


class TimerSettings(BaseModel):
    interval_s: float = Field(ge=0, le=24 * 3600)


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, pattern=r"^https?://")
    backoff_scale: float | None = Field(None, ge=0, le=10)


@router.post("/emit")
async def emit_signal(body: EmitRequest, state: State) -> dict[str, Any]:
    try:
        return await emit(state.data, state.webhooks, body)
    except UnknownCustomerError:
        raise HTTPException(404, f"unknown customer {body.customer_id!r}") from None


@router.post("/emit-batch")
async def emit_batch(body: BatchRequest, state: State) -> dict[str, Any]:
    event_ids = await emit_random(state.data, state.webhooks, state.rng, body.count, body.type)
    return {"event_ids": event_ids}


@router.post("/redeliver/{event_id}")
async def redeliver(event_id: str, state: State, wait: bool = False) -> dict[str, Any]:
    try:
        attempts = await state.webhooks.redeliver(event_id, wait_first=wait)
    except KeyError:
        raise HTTPException(404, f"unknown event {event_id!r}") from None
    return {"event_id": event_id, "deliveries": [attempt.as_dict() for attempt in attempts]}


@router.get("/deliveries")
async def deliveries(state: State, limit: Annotated[int, Query(ge=1, le=5000)] = 100) -> dict[str, Any]:
    """Most recent attempts first."""
    return {
        "summary": state.webhooks.summary(),
        "attempts": [attempt.as_dict() for attempt in state.webhooks.recent_attempts(limit)],
    }


@router.put("/timer")
async def set_timer(body: TimerSettings, state: State) -> dict[str, Any]:
    await state.emit_timer.set_interval(body.interval_s)
    return {"interval_s": state.emit_timer.interval_s, "running": state.emit_timer.running}


@router.put("/webhook")
async def configure_webhook(body: WebhookSettings, state: State) -> dict[str, Any]:
    """Point deliveries elsewhere (e.g. a test receiver) or speed up retries (`backoff_scale`)."""
    if body.url is not None:
        state.webhooks.url = body.url
    if body.backoff_scale is not None:
        state.webhooks.backoff_scale = body.backoff_scale
    return {"url": state.webhooks.url, "backoff_scale": state.webhooks.backoff_scale}
