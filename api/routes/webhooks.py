"""Inbound webhooks. Authenticated by signature, not by session."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api import webhook_metrics
from api.deps import DbDep, SettingsDep, TemporalGetterDep, temporal_call
from api.signatures import check_request
from api.webhook_models import CustomerUpdateAck, CustomerUpdateWebhook, parse_body
from contracts import ids, names
from contracts.intelligence import IntelligenceInput
from db import intelligence_store

router = APIRouter(tags=["webhooks"])


@router.post(
    "/webhooks/active/customer-update",
    status_code=202,
    response_model=CustomerUpdateAck,
    response_model_exclude_none=True,
    responses={200: {"model": CustomerUpdateAck, "description": "A redelivery: this event id was processed before"}},
)
async def active_customer_update(
    request: Request, response: Response, settings: SettingsDep, db: DbDep, temporal: TemporalGetterDep
) -> CustomerUpdateAck:
    body = await request.body()
    check_request(
        request,
        body,
        settings.active.webhook_secret.get_secret_value(),
        settings.active.signature_tolerance_s,
        prefix="X-Active",
    )
    payload = parse_body(CustomerUpdateWebhook, body)

    async with db.session() as session:
        if await intelligence_store.webhook_seen(session, payload.event_id):
            webhook_metrics.duplicate("active")
            response.status_code = 200
            return CustomerUpdateAck(status="duplicate", event_id=payload.event_id)
    workflow_id = ids.intelligence(payload.customer.id)
    client = await temporal()
    # The signal is idempotent (the workflow ignores an event id it has seen), so the id is recorded only once
    # Temporal has it: a Temporal error answers 503 + Retry-After and Active's retry is processed, not dropped as a
    # duplicate. No transaction stays open across the call (on SQLite that serialised every webhook: 200 took 17 s
    # to accept instead of 3 s).
    async with temporal_call():
        # Signal-with-start: the customer's workflow is created if idle, else it queues the signal.
        await client.start_workflow(
            names.CUSTOMER_INTELLIGENCE,
            IntelligenceInput(customer_id=payload.customer.id),
            id=workflow_id,
            task_queue=settings.temporal.task_queue,
            start_signal=names.CUSTOMER_UPDATE,
            start_signal_args=[payload.to_signal()],
            static_summary=f"Customer intelligence · {payload.customer.name}",
        )
    async with db.transaction() as session:
        await intelligence_store.claim_webhook(session, payload.event_id, "active", payload.customer.id)
    return CustomerUpdateAck(status="accepted", event_id=payload.event_id, workflow_id=workflow_id)
