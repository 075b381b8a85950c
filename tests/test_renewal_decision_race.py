"""Decisions that lose a race after validation are answered, not wedged: two managers decide one
renewal approval while a slow action holds the renewal's lock, and a decision waits for the lock
past its request's expiry. Each loser gets a clear ApprovalConflict, the same decision again gets
the recorded outcome, no workflow task fails, and the renewal keeps working."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.exceptions import ApplicationError

from contracts import names
from contracts.actors import Actor
from contracts.approvals import ApprovalDecision, ApprovalOutcome
from contracts.renewals import ChooseInput, CompleteStepInput, RenewalState
from db import approvals_store, users
from tests.stack import LocalStack, wait_for
from tests.test_renewal_workflow import act, new_renewal, own_renewal
from workflows.renewal import RenewalWorkflow

MANAGER = Actor(email="maria.lopez@renubu.demo", role="manager")
OTHER_MANAGER = Actor(email="david.kim@renubu.demo", role="manager")


async def _ask(handle: WorkflowHandle[Any, Any], csm: Actor) -> tuple[str, RenewalState]:
    """Start the renewal, draft an email and send it for approval; then move to the step whose
    'task' button calls Salesforce (the slow action)."""
    state: RenewalState = await act(handle, RenewalWorkflow.start, csm)
    assert state.definition is not None
    first = state.definition.steps[0]
    await handle.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first.id, value="outreach"))
    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first.id, value="send"))
    [approval_id] = state.email_approvals
    state = await act(
        handle, RenewalWorkflow.complete_step, CompleteStepInput(actor=csm, step_id=first.id, outcome=first.outcomes[0])
    )
    return approval_id, state


async def _decide(handle: WorkflowHandle[Any, Any], d: ApprovalDecision) -> Any:
    """Send a decision and return once its validator accepted it (the handler may still be waiting)."""
    return await handle.start_update(
        names.DECIDE_APPROVAL, d, wait_for_stage=WorkflowUpdateStage.ACCEPTED, result_type=ApprovalOutcome
    )


async def _no_failed_tasks(handle: WorkflowHandle[Any, Any]) -> None:
    failed = [
        e async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert failed == []


async def _slow_task(handle: WorkflowHandle[Any, Any], csm: Actor, step_id: str) -> Any:
    """The CSM asks for a Salesforce task: the choose handler holds the lock while Salesforce is slow or down."""
    return await handle.start_update(
        RenewalWorkflow.choose,
        ChooseInput(actor=csm, step_id=step_id, value="task"),
        wait_for_stage=WorkflowUpdateStage.ACCEPTED,
    )


async def test_two_decisions_racing_under_the_lock(stack: LocalStack) -> None:
    async with stack.db.transaction() as session:  # workflows check the actor: the second manager is a real user
        await users.ensure_user(session, email=OTHER_MANAGER.email, name="David Kim", role="manager", password="x" * 20)
    _, wf_id, csm = await new_renewal(stack, 40, days=4, risk=85)
    handle = stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    approval_id, state = await _ask(handle, csm)
    assert state.current_step is not None
    await stack.set_faults("salesforce", error_rate=1.0)
    try:
        choose = await _slow_task(handle, csm, state.current_step.step_id)
        approve = ApprovalDecision(approval_id=approval_id, actor=MANAGER, approve=True)
        deny = ApprovalDecision(approval_id=approval_id, actor=OTHER_MANAGER, approve=False, reason="not now")
        # Both pass validation: the request is undecided while the action holds the lock.
        first, second = await _decide(handle, approve), await _decide(handle, deny)
    finally:
        await stack.set_faults("salesforce", error_rate=0.0)
    outcome: ApprovalOutcome = await first.result()
    assert outcome.status == "approved" and outcome.decided_by == MANAGER.email
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await second.result()
    assert isinstance(err.value.cause, ApplicationError) and err.value.cause.type == "ApprovalConflict"
    assert "already decided: approved" in str(err.value.cause)
    await choose.result()
    # The same decision again (a double click): the recorded outcome, nothing applied twice.
    again: ApprovalOutcome = await handle.execute_update(names.DECIDE_APPROVAL, approve, result_type=ApprovalOutcome)
    assert again == outcome
    state = await handle.query(RenewalWorkflow.get_state)
    assert [a.id for a in state.artifacts].count(f"sent-{approval_id}") == 1
    await _keeps_working(handle, csm)


async def test_a_decision_racing_expiry(stack: LocalStack) -> None:
    handle, csm = await own_renewal(stack, 41, renewal_in_days=4, approval_ttl_s=5, name="Race Co")
    approval_id, state = await _ask(handle, csm)
    assert state.current_step is not None
    # Salesforce is down: the task action holds the lock while it retries (about 14 s before it gives up), and the
    # decision, accepted before its request's 5 s expiry, waits behind it until the expiry has passed.
    expires_at = state.created_at  # replaced below by the request's own expiry
    await stack.set_faults("salesforce", error_rate=1.0)
    try:
        choose = await _slow_task(handle, csm, state.current_step.step_id)
        late = await _decide(handle, ApprovalDecision(approval_id=approval_id, actor=MANAGER, approve=True))
        async with stack.db.session() as session:
            expires_at = (await approvals_store.get(session, approval_id)).expires_at
        await wait_for(lambda: _after(expires_at), 30, "the request's expiry")
    finally:
        await stack.set_faults("salesforce", error_rate=0.0)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        outcome = await late.result()
        state = await handle.query(RenewalWorkflow.get_state)
        raise AssertionError(f"decided {outcome} (expiry {expires_at}); chat: {[c.text for c in state.chat[-4:]]}")
    assert isinstance(err.value.cause, ApplicationError) and err.value.cause.type == "ApprovalConflict"
    assert "expired" in str(err.value.cause)
    await choose.result()
    state = await handle.query(RenewalWorkflow.get_state)
    assert not [a for a in state.artifacts if a.id.startswith("sent-")]
    await _keeps_working(handle, csm)


async def _after(moment: datetime) -> bool:
    return datetime.now(UTC) > moment + timedelta(seconds=1)


async def _keeps_working(handle: WorkflowHandle[Any, Any], csm: Actor) -> None:
    """The renewal still takes the CSM's next step, and no workflow task failed along the way."""
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    step = state.current_step
    assert step is not None and state.definition is not None
    outcome = state.definition.step(step.step_id).outcomes[0]
    after = await act(
        handle, RenewalWorkflow.complete_step, CompleteStepInput(actor=csm, step_id=step.step_id, outcome=outcome)
    )
    assert after.steps_done == state.steps_done + 1
    await _no_failed_tasks(handle)
