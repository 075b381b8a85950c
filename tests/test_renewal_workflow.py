"""The renewal workflow on the dev server: a CSM works it to an outcome; the
worker is replaced mid-way; the renewal date passes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from temporalio.client import WorkflowUpdateFailedError

from clients.salesforce import TASK_KEY_MAX, task_external_key
from contracts import ids, names
from contracts.actors import Actor
from contracts.renewals import ChooseInput, CompleteInput, CompleteStepInput, RenewalInput, RenewalState
from db import intelligence_store
from db.models import OutboxEntry, WorkflowStepHistory
from tests.factories import update
from tests.stack import LocalStack, worker_for
from workflows.renewal import RenewalWorkflow


async def new_renewal(stack: LocalStack, index: int, days: int, risk: int) -> tuple[str, str, Actor]:
    key = stack.healthy_account(index)
    stack.set_account(key, renewal_in_days=days)
    assert (await stack.post_signal(key, risk=risk)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(wf_id)
    return key, wf_id, Actor(email=row.assigned_to, role="csm")


async def act(handle: Any, update: Any, arg: Any) -> RenewalState:
    """Run a renewal update and read the state it left: updates answer only a small ack."""
    await handle.execute_update(update, arg)
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    return state


async def own_renewal(
    stack: LocalStack,
    index: int,
    *,
    renewal_in_days: int,
    approval_ttl_s: int,
    name: str,
    continue_as_new_after_events: int | None = None,
) -> tuple[Any, Actor]:
    """An Emergency renewal started directly (its own id, a short approval lifetime) on an account whose real
    intelligence the actions need; returns its handle, once projected, and its CSM."""
    key, _, csm = await new_renewal(stack, index, days=30, risk=20)
    async with stack.db.session() as session:
        latest = await intelligence_store.latest_intelligence(session, key)
    assert latest is not None
    renewal = date.today() + timedelta(days=renewal_in_days)
    upd = update(event_id=f"evt-own-{uuid.uuid4().hex[:8]}", stage="Emergency", risk=85, renewal=renewal)
    upd.intelligence_id, upd.assigned_to = latest.id, csm.email
    handle = await stack.client.start_workflow(
        RenewalWorkflow.run,
        RenewalInput(
            customer_id=key,
            customer_name=name,
            renewal_date=renewal,
            approval_ttl_s=approval_ttl_s,
            continue_as_new_after_events=continue_as_new_after_events,
        ),
        id=f"renewal-own-{uuid.uuid4().hex[:8]}",
        task_queue=stack.settings.temporal.task_queue,
        start_signal=names.INTELLIGENCE_UPDATE,
        start_signal_args=[upd],
    )
    await stack.wait_projection(handle.id)
    return handle, csm


async def work_to_completion(handle: Any, csm: Actor) -> RenewalState:
    state = await act(handle, RenewalWorkflow.start, csm)
    assert state.definition is not None
    for step in state.definition.steps:
        for button in step.chat.initial_message.buttons:
            if button.action in ("draftOutreach", "scheduleCall", "createTask", "draftPlan", "showArtifact"):
                choice = ChooseInput(actor=csm, step_id=step.id, value=button.value)
                state = await act(handle, RenewalWorkflow.choose, choice)
                break
        done = CompleteStepInput(actor=csm, step_id=step.id, outcome=step.outcomes[0], notes="done")
        state = await act(handle, RenewalWorkflow.complete_step, done)
    return await act(handle, RenewalWorkflow.complete, CompleteInput(actor=csm, outcome=state.definition.outcomes[0]))


async def test_csm_works_an_emergency_renewal_to_its_outcome(stack: LocalStack) -> None:
    _, wf_id, csm = await new_renewal(stack, 2, days=4, risk=85)
    handle = stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    state = await work_to_completion(handle, csm)
    assert state.status == "completed" and state.outcome is not None and state.outcome.status == "renewed"
    assert {a.type for a in state.artifacts} >= {"report", "plan"}
    assert all(a.source for a in state.artifacts if not a.template)
    row = await stack.wait_projection(wf_id, lambda r: r.status == "completed")
    assert row.outcome_status == "renewed" and row.steps_done == row.steps_total == 4
    async with stack.db.session() as session:
        steps = await session.scalar(
            select(func.count()).select_from(WorkflowStepHistory).where(WorkflowStepHistory.workflow_id == wf_id)
        )
    assert steps == 4
    result = await handle.result()
    assert result.status == "completed"


async def test_salesforce_tasks_for_the_longest_customer_id(stack: LocalStack) -> None:
    """Schedule Call and Create Task on the seeded account with the longest id: its raw keys exceed
    Salesforce's 80 characters (the sandbox answers 400 STRING_TOO_LONG to those), so each must be sent
    in its short form; each leaves one Task in the sandbox and no "did not work" note."""
    data = stack.sandbox.data
    healthy = [a.key for a in data.accounts if not data.open_cases(a.id) and a.key != "acme-corp"]
    index = max(range(len(healthy)), key=lambda i: len(healthy[i]))
    key, wf_id, csm = await new_renewal(stack, index, days=4, risk=85)
    assert len(ids.renewal_action(wf_id, "emergency-renewal", "assess-risk", "scheduleCall", 1)) > TASK_KEY_MAX
    handle = stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    await handle.execute_update(RenewalWorkflow.start, csm)
    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id="assess-risk", value="call"))
    await handle.execute_update(
        RenewalWorkflow.complete_step, CompleteStepInput(actor=csm, step_id="assess-risk", outcome="risk_confirmed")
    )
    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id="review-contract", value="task"))
    assert not [c.text for c in state.chat if "did not work" in c.text]
    call = next(a for a in state.artifacts if a.id.startswith("scheduleCall"))
    assert call.data["salesforce_task"]["id"]
    assert any(a.id.startswith("createTask") for a in state.artifacts)
    async with stack.db.session() as session:
        sent = list(await session.scalars(select(OutboxEntry).where(OutboxEntry.workflow_id == wf_id)))
    assert len(sent) == 2 and all(t.state == "sent" for t in sent)
    counts = stack.sandbox.tasks.counts()
    for entry in sent:
        external = task_external_key(entry.idempotency_key)
        assert len(external) <= TASK_KEY_MAX and external.startswith(f"renewal-{key}"[:40])
        assert counts[external] == {"records": 1, "inserts": 1, "updates": 0}


async def test_validators_reject_with_a_clear_reason(stack: LocalStack) -> None:
    _, wf_id, csm = await new_renewal(stack, 3, days=20, risk=30)
    handle = stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update(RenewalWorkflow.start, Actor(email="intruder@renubu.demo", role="csm"))
    assert "assigned to" in str(err.value.cause)
    await handle.execute_update(RenewalWorkflow.start, csm)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update(RenewalWorkflow.complete, CompleteInput(actor=csm, outcome="renewed"))
    assert "still open" in str(err.value.cause)
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id="nope", value="x"))


async def test_worker_replaced_mid_workflow_loses_and_repeats_nothing(stack: LocalStack) -> None:
    """Work half a renewal on one worker, stop it, finish on a brand-new worker
    (no cache: it replays the history from the server)."""
    settings = stack.settings.updated(temporal={"task_queue": f"{stack.settings.temporal.task_queue}-restart"})
    wf_id = ids.renewal("restart-co", date.today() + timedelta(days=5))
    upd = update(
        event_id="evt-restart-1",
        stage="Critical",
        risk=50,
        renewal=date.today() + timedelta(days=5),
        assigned_to="sarah.chen@renubu.demo",
    )
    key, _, _ = await new_renewal(stack, 4, days=40, risk=20)  # real intelligence for the actions to use
    async with stack.db.session() as session:
        latest = await intelligence_store.latest_intelligence(session, key)
    assert latest is not None
    upd.intelligence_id = latest.id
    csm = Actor(email="sarah.chen@renubu.demo", role="csm")
    async with worker_for(settings, stack.client, stack.db):
        handle = await stack.client.start_workflow(
            RenewalWorkflow.run,
            RenewalInput(
                customer_id="restart-co",
                customer_name="Restart Co",
                renewal_date=date.today() + timedelta(days=5),
            ),
            id=wf_id,
            task_queue=settings.temporal.task_queue,
            start_signal=names.INTELLIGENCE_UPDATE,
            start_signal_args=[upd],
        )
        await stack.wait_projection(wf_id)
        await handle.execute_update(RenewalWorkflow.start, csm)
        await handle.execute_update(
            RenewalWorkflow.choose, ChooseInput(actor=csm, step_id="review-health", value="review")
        )
        await handle.execute_update(
            RenewalWorkflow.complete_step,
            CompleteStepInput(actor=csm, step_id="review-health", outcome="healthy"),
        )
        state = await act(
            handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id="confirm-intent", value="call")
        )
    assert any(a.id.startswith("scheduleCall") for a in state.artifacts)
    async with worker_for(settings, stack.client, stack.db):
        state = await act(
            handle,
            RenewalWorkflow.complete_step,
            CompleteStepInput(actor=csm, step_id="confirm-intent", outcome="intent_confirmed"),
        )
        await handle.execute_update(
            RenewalWorkflow.choose, ChooseInput(actor=csm, step_id="prepare-paperwork", value="task")
        )
        await handle.execute_update(
            RenewalWorkflow.complete_step,
            CompleteStepInput(actor=csm, step_id="prepare-paperwork", outcome="paperwork_sent"),
        )
        state = await act(handle, RenewalWorkflow.complete, CompleteInput(actor=csm, outcome="renewed"))
    assert state.status == "completed" and [s.status for s in state.steps] == ["done"] * 3
    async with stack.db.session() as session:
        steps = await session.scalar(
            select(func.count()).select_from(WorkflowStepHistory).where(WorkflowStepHistory.workflow_id == wf_id)
        )
        tasks = list(await session.scalars(select(OutboxEntry).where(OutboxEntry.workflow_id == wf_id)))
    assert steps == 3
    assert len(tasks) == 2 and all(t.state == "sent" for t in tasks)
    counts = stack.sandbox.tasks.counts()
    assert all(
        counts[task_external_key(t.idempotency_key)] == {"records": 1, "inserts": 1, "updates": 0} for t in tasks
    )


async def test_renewal_expires_when_its_date_passes(stack: LocalStack) -> None:
    renewal = date.today() + timedelta(days=2)
    upd = update(event_id="evt-expire-1", stage="Critical", risk=40, renewal=renewal)
    upd.expires_at = datetime.now(UTC) + timedelta(seconds=2)
    wf_id = "renewal-expiry-co-test"
    handle = await stack.client.start_workflow(
        RenewalWorkflow.run,
        RenewalInput(customer_id="expiry-co", customer_name="Expiry Co", renewal_date=renewal),
        id=wf_id,
        task_queue=stack.settings.temporal.task_queue,
        start_signal=names.INTELLIGENCE_UPDATE,
        start_signal_args=[upd],
    )
    result = await handle.result()
    assert result.status == "expired" and any("expired" in h for h in result.history)
    row = await stack.wait_projection(wf_id, lambda r: r.status == "expired")
    assert row.completed_at is not None
