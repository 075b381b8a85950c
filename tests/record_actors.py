"""Recorder scenario for issue 10's actor check: every privileged update is checked against the users table
(the `verify-actor` patch), and an update with a forged "manager" is refused. One history per workflow kind
that takes decisions: a renewal, an agent run, a triage, a schedule change."""

from __future__ import annotations

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError

from agent.schedules import ensure_schedules
from api.agent_service import request_schedule_change
from contracts import ids, names
from contracts.actors import Actor
from contracts.approvals import ApprovalDecision, ApprovalOutcome
from contracts.renewals import CancelInput, CompleteStepInput, ReassignInput, RenewalState
from db import control
from db.models import Agent
from devstack.seed import MANAGER
from tests.campaign_helpers import decide, fresh_gym, pending_approval, start_run
from tests.inbox_helpers import a_member, decision, start_sync, write_in
from tests.record_paths import save
from tests.stack import LocalStack
from tests.test_renewal_outreach import _draft_and_ask
from workflows.renewal import RenewalWorkflow

FORGED = Actor(email="mallory@example.com", role="manager")


async def _forged_decision(handle: WorkflowHandle[object, object], approval_id: str) -> None:
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            names.DECIDE_APPROVAL,
            ApprovalDecision(approval_id=approval_id, actor=FORGED, approve=True),
            result_type=ApprovalOutcome,
        )


async def record_actor_checks(stack: LocalStack, client: Client) -> None:
    # A renewal: a forged reassign and a forged approval refused; the real manager approves; the CSM finishes.
    handle, csm, approval_id, step = await _draft_and_ask(stack, 87)
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    assert state.priority is not None
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            RenewalWorkflow.reassign,
            ReassignInput(actor=FORGED, to_email=FORGED.email, to_name="Mallory", priority=state.priority),
        )
    await _forged_decision(handle, approval_id)  # type: ignore[arg-type]
    assert (await decide(stack, approval_id, approve=True)).status_code == 200
    assert state.definition is not None
    outcome = state.definition.step(step).outcomes[0]
    await handle.execute_update(
        RenewalWorkflow.complete_step, CompleteStepInput(actor=csm, step_id=step, outcome=outcome)
    )
    manager = Actor(email=MANAGER[0], role="manager")
    await handle.execute_update(RenewalWorkflow.cancel, CancelInput(actor=manager, reason="recorded"))
    save(await handle.fetch_history(), "renewal_actor_verified")

    # An agent run's door locks: a forged approval refused, the real manager approves ten of them.
    await fresh_gym(stack)
    run = await start_run(stack, "past_due_monitor")
    approval = await pending_approval(stack, run.id)
    await _forged_decision(run, approval.id)  # type: ignore[arg-type]
    await decide(stack, approval.id, approve=True, item_ids=[i["id"] for i in approval.items[:10]])
    await run.result()
    save(await run.fetch_history(), "agent_run_actor_verified")

    # A schedule change, and a triage's reply (inbox in auto-pilot): forged, then decided by the manager.
    await ensure_schedules(client, stack.db, stack.settings)
    async with stack.db.session() as session:
        agent = await session.get(Agent, "re_engagement")
    assert agent is not None
    change_id = await request_schedule_change(client, stack.settings, agent, {"cron": "45 16 * * *"}, "maria")
    approval = await pending_approval(stack, change_id)
    change = client.get_workflow_handle(change_id)
    await _forged_decision(change, approval.id)
    await decide(stack, approval.id, approve=True)
    await change.result()
    save(await change.fetch_history(), "schedule_change_actor_verified")

    await start_sync(stack)
    async with stack.db.transaction() as session:  # auto-pilot: a cancellation asks for its reply's approval
        await control.set_inbox_mode(session, "auto", "record_histories")
    cancel = await write_in(stack, (await a_member(stack)).id, "I want to cancel my membership")
    approval = await pending_approval(stack, ids.triage(cancel))
    triage = client.get_workflow_handle(ids.triage(cancel))
    await _forged_decision(triage, approval.id)
    await decide(stack, approval.id, approve=False, reason="I will call them")
    await decision(stack, cancel)
    save(await triage.fetch_history(), "triage_actor_verified")


async def record_daily_limits(stack: LocalStack, client: Client) -> None:
    """An agent run judged with the day's usage (the `agent-daily-limits` patch): its locks partly approved."""
    await fresh_gym(stack)
    run = await start_run(stack, "past_due_monitor")
    approval = await pending_approval(stack, run.id)
    await decide(stack, approval.id, approve=True, item_ids=[i["id"] for i in approval.items[:5]])
    await run.result()
    save(await run.fetch_history(), "agent_run_daily_limits")
