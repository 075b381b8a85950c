"""Outages longer than the old retry budget (8 tries) lose nothing. Salesforce down: every risk signal received
during it ends in exactly one scored, assigned renewal once it is back, no workflow fails, and while it lasts the
command center and the renewal page say what waits for which system (managers are told once). SMTP down: a
journey waits, then sends once. ClubOS refusing the key: the inbox sync waits instead of dying."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from temporalio.client import WorkflowExecutionStatus

from contracts import ids
from contracts.inbox import InboxSyncInput
from db import approvals_store, downstream
from db.models import DownstreamWait, Lead, WorkflowInstance
from devstack.seed import MANAGER
from tests.journey_helpers import mail_to, new_lead, speed_up
from tests.stack import LocalStack, wait_for, worker_for
from workflows import retry_policies
from workflows.inbox_sync import InboxSyncWorkflow
from workflows.intelligence import CustomerIntelligenceWorkflow

OLD_BUDGET = 8  # attempts EXTERNAL allowed before this change
CUSTOMERS = (14, 15, 16)


async def _waits(stack: LocalStack, workflow_ids: list[str]) -> list[DownstreamWait]:
    async with stack.db.session() as session:
        q = select(DownstreamWait).where(DownstreamWait.workflow_id.in_(workflow_ids))
        return list(await session.scalars(q))


async def test_a_long_salesforce_outage_loses_no_signal(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same policy with a 1 s cap, so the old budget is spent in seconds.
    monkeypatch.setattr(retry_policies, "EXTERNAL", retry_policies.external(timedelta(seconds=1)))
    monkeypatch.setattr(stack.settings.downstream, "alert_after_s", 3.0)  # the worker reads the stack's settings
    keys = [stack.healthy_account(i) for i in CUSTOMERS]
    for key in keys:
        stack.set_account(key, renewal_in_days=25)
    intel = [ids.intelligence(k) for k in keys]
    await stack.set_faults("salesforce", error_rate=1.0)
    try:
        for key in keys:
            assert (await stack.post_signal(key, risk=50)).status_code == 202
        # A second signal for one customer queues behind the first, inside the waiting workflow.
        assert (await stack.post_signal(keys[0], risk=55)).status_code == 202

        async def past_old_budget() -> list[DownstreamWait] | None:
            rows = await _waits(stack, intel)
            done = {r.workflow_id for r in rows if r.system == "salesforce" and r.attempt > OLD_BUDGET}
            return rows if done == set(intel) else None

        rows = await wait_for(past_old_budget, 120, f"every enrichment to fail more than {OLD_BUDGET} times")
        assert all("salesforce" in r.last_error and r.next_try is not None for r in rows)
        async with stack.browser_session(MANAGER[0]) as http:
            page = await http.get("/command")
        assert "Waiting for Salesforce since" in page.text and "next try" in page.text
        async with stack.db.session() as session:
            notes = [n for n in await approvals_store.recent_notifications(session, 50) if n.ref.startswith("downst")]
        assert [n.title.split(" since ")[0] for n in notes] == ["Salesforce has been down"]  # once, however many tries
    finally:
        await stack.set_faults("salesforce", error_rate=0.0)

    for key in keys:
        row = await stack.wait_projection(ids.renewal(key, stack.account(key).renewal_date), timeout=60)
        assert row.assigned_to and row.priority_score > 0
    async with stack.db.session() as session:
        counts = await session.execute(
            select(WorkflowInstance.customer_id, func.count())
            .where(WorkflowInstance.customer_id.in_(keys))
            .group_by(WorkflowInstance.customer_id)
        )
        assert dict(counts.all()) == dict.fromkeys(keys, 1)

    async def both_signals_handled() -> Any:
        handle = stack.client.get_workflow_handle_for(CustomerIntelligenceWorkflow.run, intel[0])
        recent = await handle.query(CustomerIntelligenceWorkflow.recent)
        return [o for o in recent if o.result == "renewal"] if len(recent) >= 2 else None

    handled = await wait_for(both_signals_handled, 60, "the queued second signal")
    assert len(handled) == 2
    for workflow_id in intel:
        desc = await stack.client.get_workflow_handle(workflow_id).describe()
        assert desc.status != WorkflowExecutionStatus.FAILED
    assert await wait_for(lambda: _cleared(stack, intel), 30, "the waits to be cleared")
    async with stack.db.session() as session:
        assert [w for w in await downstream.by_system(session, intel)] == []


async def _cleared(stack: LocalStack, workflow_ids: list[str]) -> bool:
    return not await _waits(stack, workflow_ids)


async def test_the_renewal_page_says_what_it_waits_for(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry_policies, "EXTERNAL", retry_policies.external(timedelta(seconds=1)))
    key = stack.healthy_account(17)
    stack.set_account(key, renewal_in_days=25)
    assert (await stack.post_signal(key, risk=50)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    await stack.wait_projection(wf_id)
    intel = [ids.intelligence(key)]
    await stack.set_faults("salesforce", error_rate=1.0)
    try:
        assert (await stack.post_signal(key, risk=60)).status_code == 202  # its enrichment now waits
        await wait_for(lambda: _waits(stack, intel), 60, "the new signal's enrichment to wait")
        async with stack.browser_session(MANAGER[0]) as http:
            page = await http.get(f"/renewals/{wf_id}")
            customer = await http.get(f"/customers/{key}")
        assert page.status_code == 200 and "Waiting for Salesforce since" in page.text, page.text[:500]
        assert "Waiting for Salesforce since" in customer.text
    finally:
        await stack.set_faults("salesforce", error_rate=0.0)
    assert await wait_for(lambda: _cleared(stack, intel), 60, "the wait to be cleared")
    async with stack.browser_session(MANAGER[0]) as http:
        page = await http.get(f"/renewals/{wf_id}")
        customer = await http.get(f"/customers/{key}")
    assert "Waiting for Salesforce" not in page.text and "Waiting for Salesforce" not in customer.text


async def test_a_journey_waits_out_a_mail_outage(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SMTP relay is down for longer than the old budget when a lead's welcome email is due: the journey
    waits (visibly), then sends it exactly once and carries on."""
    monkeypatch.setattr(retry_policies, "EXTERNAL", retry_policies.external(timedelta(seconds=1)))
    await speed_up(stack)
    await stack.sandbox.mail.stop()
    try:
        lead = await new_lead(stack)
        journey = ids.journey("welcome-series", lead["lead_id"])

        async def past_old_budget() -> bool:
            return any(r.system == "smtp" and r.attempt > OLD_BUDGET for r in await _waits(stack, [journey]))

        await wait_for(past_old_budget, 120, "the welcome email to fail more than the old budget")
        async with stack.browser_session(MANAGER[0]) as http:
            assert "Waiting for email (SMTP) since" in (await http.get("/command")).text
            assert "Waiting for email (SMTP) since" in (await http.get(f"/leads/{lead['lead_id']}")).text
    finally:
        await stack.sandbox.mail.start()
    address = (await _lead_email(stack, lead["lead_id"])) or ""
    [mail] = await wait_for(lambda: mail_to(stack, address), 60, "the welcome email")
    assert "Welcome" in mail["subject"]
    await wait_for(lambda: _cleared(stack, [journey]), 30, "the wait to be cleared")
    desc = await stack.client.get_workflow_handle(journey).describe()
    assert desc.status in (WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.COMPLETED)
    assert len(await mail_to(stack, address)) == 1


async def _lead_email(stack: LocalStack, lead_id: str) -> str | None:
    async with stack.db.session() as session:
        lead = await session.get(Lead, lead_id)
    return lead.email if lead else None


async def test_inbox_sync_waits_for_credentials_to_be_fixed(stack: LocalStack) -> None:
    """ClubOS refuses the key (401): not bad data, so the singleton sync waits and retries instead of failing."""
    settings = stack.settings.updated(
        temporal={"task_queue": f"{stack.settings.temporal.task_queue}-401"},
        clubos={"api_key": SecretStr("revoked-key")},
    )
    async with worker_for(settings, stack.client, stack.db):
        handle = await stack.client.start_workflow(
            InboxSyncWorkflow.run,
            InboxSyncInput(poll_interval_s=1),
            id=f"inbox-sync-401-{settings.temporal.task_queue}",
            task_queue=settings.temporal.task_queue,
        )
        try:

            async def refused_twice() -> list[DownstreamWait]:
                return [r for r in await _waits(stack, [handle.id]) if r.system == "clubos" and r.attempt >= 3]

            [row] = await wait_for(refused_twice, 60, "the sync to be refused and retried")
            assert "401" in row.last_error
            async with stack.browser_session(MANAGER[0]) as http:
                assert "Waiting for ClubOS since" in (await http.get("/inbox")).text
            assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
        finally:
            await handle.terminate("test over")
