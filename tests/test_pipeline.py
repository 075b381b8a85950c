"""Webhook -> intelligence workflow -> scored, assigned renewal, on a real dev server."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import func, select

from api.signatures import sign
from api.webhook_models import CustomerUpdateWebhook
from clients.errors import AuthError
from contracts import ids, names
from contracts.analysis import AnalysisResult
from contracts.intelligence import CustomerContext, IntelligenceInput, SignalOutcome
from db.models import CustomerIntelligence, User, WebhookEvent, WorkflowInstance
from llm.offline_analyst import OfflineAnalyst
from rules.assignment import EXPERIENCE_RANK
from rules.scoring import priority_score
from tests.stack import LocalStack, wait_for, worker_for
from workflows.intelligence import CustomerIntelligenceWorkflow
from workflows.renewal import RenewalWorkflow


async def _ids(stack: LocalStack, query: str) -> list[str]:
    return [w.id async for w in stack.client.list_workflows(query)]


def renewal_id(stack: LocalStack, key: str) -> str:
    return ids.renewal(key, stack.account(key).renewal_date)


async def test_risk_signal_becomes_emergency_renewal_for_a_senior_csm(stack: LocalStack) -> None:
    stack.set_account("acme-corp", renewal_in_days=3)
    response = await stack.post_signal("acme-corp", risk=80)
    assert response.status_code == 202, response.text
    wf_id = renewal_id(stack, "acme-corp")
    row = await stack.wait_projection(wf_id)
    assert (row.stage, row.status, row.definition_id) == ("Emergency", "pending", "emergency-renewal")
    assert row.risk_score >= 80 and "Offline analyser" in row.analysis_source
    async with stack.db.session() as session:
        csm = await session.scalar(select(User).where(User.email == row.assigned_to))
    assert csm is not None and EXPERIENCE_RANK[csm.experience or ""] >= EXPERIENCE_RANK["senior"]
    acme = stack.account("acme-corp")
    factors = row.priority_factors
    assert factors["base"] == 90 and factors["arr_multiplier"] == 2.0 and factors["plan_weight"] == 1.5
    expected = priority_score(
        "emergency-renewal", acme.arr, acme.plan, csm.experience or "", factors["workload_penalty"] // 2
    )
    assert row.priority_score == expected.score and factors["explanation"] == expected.explain()

    # Temporal has the same story: search attributes and readable id.
    handle = stack.client.get_workflow_handle(wf_id)
    summary = await (await handle.describe()).static_summary()
    assert summary is not None and "Emergency renewal" in summary
    query = 'CustomerId = "acme-corp" AND RenewalStage = "Emergency"'
    found = await wait_for(lambda: _ids(stack, query), what="visibility")
    assert wf_id in found


async def test_duplicate_webhook_is_recognised_and_changes_nothing(stack: LocalStack) -> None:
    key = stack.healthy_account(1)
    stack.set_account(key, renewal_in_days=20)
    body, headers = stack.webhook(key, risk=40, event_id="evt_dup_000001")
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        first = await http.post("/webhooks/active/customer-update", content=body, headers=headers)
        await stack.wait_projection(renewal_id(stack, key))
        second = await http.post("/webhooks/active/customer-update", content=body, headers=headers)
    assert first.status_code == 202 and second.status_code == 200 and second.json()["status"] == "duplicate"
    async with stack.db.session() as session:
        intel = await session.scalar(
            select(func.count())
            .select_from(CustomerIntelligence)
            .where(CustomerIntelligence.event_id == "evt_dup_000001")
        )
        events = await session.scalar(
            select(func.count()).select_from(WebhookEvent).where(WebhookEvent.event_id == "evt_dup_000001")
        )
        renewals = await session.scalar(
            select(func.count()).select_from(WorkflowInstance).where(WorkflowInstance.customer_id == key)
        )
    assert (intel, events, renewals) == (1, 1, 1)


async def test_second_signal_escalates_the_same_renewal(stack: LocalStack) -> None:
    key = stack.healthy_account(0)
    stack.set_account(key, renewal_in_days=5)
    assert (await stack.post_signal(key, risk=40)).status_code == 202
    wf_id = renewal_id(stack, key)
    first = await stack.wait_projection(wf_id)
    assert first.stage == "Critical"
    assert (await stack.post_signal(key, risk=90)).status_code == 202
    row = await stack.wait_projection(wf_id, lambda r: r.stage == "Emergency")
    assert row.assigned_to == first.assigned_to and row.priority_factors["base"] == 90
    state = await stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id).query(RenewalWorkflow.get_state)
    assert any("escalated Critical -> Emergency" in h for h in state.history)
    # A lower-risk signal later does not de-escalate.
    assert (await stack.post_signal(key, risk=10)).status_code == 202
    row = await stack.wait_projection(wf_id, lambda r: r.risk_score < 90 and r.seq > state.seq)
    assert row.stage == "Emergency"
    async with stack.db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(WorkflowInstance).where(WorkflowInstance.customer_id == key)
        )
    assert count == 1


async def test_unknown_customer_is_reported_not_retried(stack: LocalStack) -> None:
    body, headers = stack.webhook("acme-corp", risk=10)
    body = body.replace(b'"id": "acme-corp"', b'"id": "no-such-customer"')
    ts = int(time.time())
    headers["x-active-signature"] = sign(stack.settings.active.webhook_secret.get_secret_value(), ts, body)
    headers["x-active-timestamp"] = str(ts)
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        response = await http.post("/webhooks/active/customer-update", content=body, headers=headers)
    assert response.status_code == 202
    handle = stack.client.get_workflow_handle_for(
        CustomerIntelligenceWorkflow.run, ids.intelligence("no-such-customer")
    )

    async def outcome() -> list[SignalOutcome]:
        return await handle.query(CustomerIntelligenceWorkflow.recent)

    recent = await wait_for(outcome, what="intelligence outcome")
    assert recent[-1].result == "unknown_customer"


async def test_outside_failures_are_retried_by_temporal(stack: LocalStack) -> None:
    key = stack.healthy_account(10)
    stack.set_account(key, renewal_in_days=25)
    await stack.set_faults("salesforce", fail_next=3)
    await stack.set_faults("active", rate_limit_next=2, retry_after_s=1)
    assert (await stack.post_signal(key, risk=50)).status_code == 202
    row = await stack.wait_projection(renewal_id(stack, key), timeout=60)
    assert row.stage == "Critical"
    history = await stack.client.get_workflow_handle(ids.intelligence(key)).fetch_history()
    attempts = [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.HasField("activity_task_started_event_attributes")
    ]
    assert max(attempts) > 1  # the failures were absorbed by activity retries, not by the client


class BrokenModel(OfflineAnalyst):
    """A model whose key is wrong: every call fails with a non-retryable 401."""

    async def analyze(self, ctx: CustomerContext) -> AnalysisResult:
        raise AuthError("anthropic", 401, "invalid x-api-key")


async def test_model_failure_falls_back_to_the_offline_analyser_and_says_so(stack: LocalStack) -> None:
    key = stack.healthy_account(11)
    stack.set_account(key, renewal_in_days=60)
    settings = stack.settings.updated(temporal={"task_queue": f"{stack.settings.temporal.task_queue}-broken"})
    body, _ = stack.webhook(key, risk=35)
    signal = CustomerUpdateWebhook.model_validate_json(body).to_signal()
    async with worker_for(settings, stack.client, stack.db, analyst=BrokenModel()):
        handle = await stack.client.start_workflow(
            CustomerIntelligenceWorkflow.run,
            IntelligenceInput(customer_id=key),
            id=ids.intelligence(key),
            task_queue=settings.temporal.task_queue,
            start_signal=names.CUSTOMER_UPDATE,
            start_signal_args=[signal],
        )
        row = await stack.wait_projection(renewal_id(stack, key), timeout=60)
        await handle.terminate("test done")
    assert row.analysis_source == "Offline analyser (fallback after model error)"
    async with stack.db.session() as session:
        intel = await session.scalar(
            select(CustomerIntelligence).where(CustomerIntelligence.event_id == signal.event_id)
        )
    assert intel is not None and not intel.from_model
    assert intel.source_note is not None and "offline fallback after model error" in intel.source_note
    assert "invalid x-api-key" in intel.source_note
