"""No dual-write loss at intake: a Temporal error answers 503 + Retry-After and the sender's retry is processed,
not dropped as a duplicate (Active: the id is recorded only after the signal; events: every delivery signals
again, idempotently; leads: a retry still starts the new-lead journeys), and the intelligence workflow never drops
a signal that arrived as its idle timer fired."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from contracts import ids
from contracts.intelligence import IntelligenceInput, RiskSignal, SignalOutcome
from db.models import Lead, LeadEvent
from tests.journey_helpers import enrollment, new_lead, signed_post, speed_up
from tests.stack import LocalStack, wait_for, worker_for
from workflows.intelligence import CustomerIntelligenceWorkflow

UNAVAILABLE = RPCError("temporal is down", RPCStatusCode.UNAVAILABLE, b"")


async def test_active_signal_is_retried_after_a_temporal_error(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = stack.healthy_account(12)
    stack.set_account(key, renewal_in_days=20)
    target, failed = ids.intelligence(key), []
    real = stack.client.start_workflow

    async def once_unavailable(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("id") == target and not failed:
            failed.append(target)
            raise UNAVAILABLE
        return await real(*args, **kwargs)

    monkeypatch.setattr(stack.client, "start_workflow", once_unavailable)
    body, headers = stack.webhook(key, risk=45, event_id=f"evt_dual_{uuid.uuid4().hex[:12]}")
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as http:
        down = await http.post("/webhooks/active/customer-update", content=body, headers=headers)
        assert down.status_code == 503 and down.headers["retry-after"], down.text
        retry = await http.post("/webhooks/active/customer-update", content=body, headers=headers)
        assert retry.status_code == 202 and retry.json()["status"] == "accepted", retry.text
        again = await http.post("/webhooks/active/customer-update", content=body, headers=headers)
        assert again.status_code == 200 and again.json()["status"] == "duplicate"
    row = await stack.wait_projection(ids.renewal(key, stack.account(key).renewal_date))
    assert row.assigned_to and row.priority_score is not None


async def test_engagement_event_is_retried_after_a_temporal_error(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    await speed_up(stack)
    lead_id = (await new_lead(stack))["lead_id"]
    journey = await enrollment(stack, "welcome-series", lead_id)
    failed: list[str] = []
    delivered: list[str] = []
    real = WorkflowHandle.signal

    async def once_unavailable(self: WorkflowHandle[Any, Any], *args: Any, **kwargs: Any) -> None:
        if self.id == journey.id and not failed:
            failed.append(self.id)
            raise UNAVAILABLE
        await real(self, *args, **kwargs)
        delivered.append(self.id)

    monkeypatch.setattr(WorkflowHandle, "signal", once_unavailable)
    payload = {"event_id": f"evt-{uuid.uuid4().hex}", "lead_id": lead_id, "type": "clicked", "channel": "email"}
    down = await signed_post(stack, "/webhooks/events", payload)
    assert down.status_code == 503 and down.headers["retry-after"], down.text
    assert delivered == []
    retry = await signed_post(stack, "/webhooks/events", payload)
    assert retry.status_code == 202, retry.text
    assert delivered == [journey.id]  # the retry delivered what the first attempt could not
    assert await _events(stack, payload["event_id"]) == (1, 10)  # stored once, clicked +10 once


async def _events(stack: LocalStack, event_id: str) -> tuple[int, int]:
    async with stack.db.session() as session:
        count = await session.scalar(select(func.count()).select_from(LeadEvent).where(LeadEvent.event_id == event_id))
        lead_id = await session.scalar(select(LeadEvent.lead_id).where(LeadEvent.event_id == event_id))
        score = (await session.get(Lead, lead_id)).score if lead_id else 0  # type: ignore[union-attr]
    return int(count or 0), score


async def test_a_signal_arriving_as_the_idle_timer_fires_is_processed(stack: LocalStack) -> None:
    """No worker while the idle timer fires and the signal arrives: both reach the next workflow task together."""
    settings = stack.settings.updated(temporal={"task_queue": f"{stack.settings.temporal.task_queue}-idle"})
    key = stack.healthy_account(13)
    stack.set_account(key, renewal_in_days=25)
    async with worker_for(settings, stack.client, stack.db):
        handle = await stack.client.start_workflow(
            CustomerIntelligenceWorkflow.run,
            IntelligenceInput(customer_id=key, idle_timeout_s=1),
            id=f"{ids.intelligence(key)}-idle-{uuid.uuid4().hex[:6]}",
            task_queue=settings.temporal.task_queue,
        )
        await wait_for(lambda: _has(handle, EventType.EVENT_TYPE_TIMER_STARTED), 30, "the idle timer")
    await wait_for(lambda: _has(handle, EventType.EVENT_TYPE_TIMER_FIRED), 30, "the idle timer to fire")
    event_id = f"evt_idle_{uuid.uuid4().hex[:12]}"
    await handle.signal(CustomerIntelligenceWorkflow.customer_update, _signal(stack, key, event_id))
    async with worker_for(settings, stack.client, stack.db):
        outcomes: list[SignalOutcome] = await handle.result()
    [outcome] = [o for o in outcomes if o.event_id == event_id]
    assert outcome.result == "renewal" and outcome.renewal_workflow_id
    await _terminate(stack.client, outcome.renewal_workflow_id)  # its task queue has no worker after this test


def _signal(stack: LocalStack, key: str, event_id: str) -> RiskSignal:
    return RiskSignal(
        event_id=event_id,
        type="customer.risk_signal",
        occurred_at=datetime.now(UTC),
        customer_id=key,
        customer_name=stack.account(key).name,
        risk_score=45,
    )


async def _has(handle: WorkflowHandle[Any, Any], kind: EventType.ValueType) -> bool:
    return any([e.event_type == kind async for e in handle.fetch_history_events()])


async def _terminate(client: Client, workflow_id: str) -> None:
    with contextlib.suppress(RPCError):
        await client.get_workflow_handle(workflow_id).terminate("test cleanup")


async def test_control_characters_are_stripped_from_a_lead_at_intake(stack: LocalStack) -> None:
    """Schemathesis sent a name with CR/LF: it reached an email header and the send retried for ever."""
    created = await new_lead(stack, first_name="Ro\r\nbin\x00", last_name="Lee\t", source="web\x15form")
    async with stack.db.session() as session:
        lead = await session.get(Lead, created["lead_id"])
    assert lead is not None and (lead.first_name, lead.last_name, lead.source) == ("Robin", "Lee", "webform")
