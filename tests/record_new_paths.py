"""Recorder scenarios for paths added after `record_paths`' were recorded: a renewal that continues as new
(started by a real signal, a customer email asked for in one run and approved in a later one, worked to its
outcome across runs), and the newest patched paths: an agent run whose targets travel by reference (its
approval id with full entropy), an agent run whose unlocks count against the door cap, a member's START.
Run by `tests.record_histories`; the renewal scenario gets the dev server that suggests continuing as new
after a few events (`record_paths.CAN_SERVER_ARGS`), so that path is recorded as production takes it."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHistory

from contracts import ids
from contracts.actors import Actor
from contracts.renewals import ChooseInput, CompleteInput, CompleteStepInput
from tests.campaign_helpers import decide, fresh_gym, pending_approval, start_run
from tests.inbox_helpers import a_member, decision, start_sync, write_in
from tests.record_paths import runs, save, save_latest
from tests.stack import LocalStack, wait_for
from tests.test_renewal_continue_as_new import email_sent, push_past_continue_as_new
from tests.test_renewal_workflow import act
from tests.test_security_agents import _hostile_run
from workflows.renewal import RenewalWorkflow


async def record_renewal_continue_as_new(stack: LocalStack, client: Client) -> None:
    """Needs CAN_SERVER_ARGS."""
    key = stack.healthy_account(62)
    stack.set_account(key, renewal_in_days=4)
    assert (await stack.post_signal(key, risk=85)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(wf_id)
    csm = Actor(email=row.assigned_to, role="csm")
    renewal = client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    state = await act(renewal, RenewalWorkflow.start, csm)
    assert state.definition is not None
    first = state.definition.steps[0]
    await renewal.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first.id, value="outreach"))
    state = await act(renewal, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first.id, value="send"))
    [approval_id] = state.email_approvals
    await push_past_continue_as_new(renewal)
    edits = {"subject": "Your renewal, carried over", "body": "Hi, can we talk on Tuesday?"}
    assert (await decide(stack, approval_id, approve=True, edits=edits)).status_code == 200
    await wait_for(lambda: email_sent(renewal, approval_id), 30, "the approved email sent")
    await push_past_continue_as_new(renewal)
    for step in state.definition.steps:
        done = CompleteStepInput(actor=csm, step_id=step.id, outcome=step.outcomes[0])
        await renewal.execute_update(RenewalWorkflow.complete_step, done)
    await renewal.execute_update(RenewalWorkflow.complete, CompleteInput(actor=csm, outcome="renewed"))
    await renewal.result()
    chain = await runs(client, wf_id)
    [asked] = [h for h in chain if _has_activity(h, "record_approval_request")]
    [decided] = [h for h in chain if _has_update(h, "decide_approval")]
    assert chain.index(asked) < chain.index(decided) < len(chain) - 1, "asked, decided and completed in three runs"
    save(chain[0], "renewal_continued_as_new")
    save(asked, "renewal_email_asked_then_continued_as_new")
    save(decided, "renewal_approval_decided_after_continue_as_new")
    save(chain[-1], "renewal_completed_after_continue_as_new")


async def record_patched_paths(stack: LocalStack, client: Client) -> None:
    # A lock request partly approved, its targets by reference (and its approval id a whole uuid).
    await fresh_gym(stack)
    run = await start_run(stack, "past_due_monitor")
    approval = await pending_approval(stack, run.id)
    await decide(stack, approval.id, approve=True, item_ids=[i["id"] for i in approval.items[:10]])
    await run.result()
    await save_latest(client, run.id, "agent_run_targets_by_reference")

    # Unlocks counted with locks: a model unlocking in batches under the cap; the rest wait and are denied.
    run_id, _, _ = await _hostile_run(stack, "past_due_monitor", lock=25)
    await save_latest(client, run_id, "agent_run_unlocks_counted_with_locks")

    # A member texts STOP, then START: the opt-in lifts the suppression and confirms.
    await start_sync(stack)
    member = await a_member(stack)
    await decision(stack, await write_in(stack, member.id, "STOP"))
    start = await write_in(stack, member.id, "START")
    assert (await decision(stack, start)).decision == "opt_in"
    await save_latest(client, ids.triage(start), "triage_opt_in")


def _has_update(history: WorkflowHistory, name: str) -> bool:
    return any(
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name == name
        for e in history.events
    )


def _has_activity(history: WorkflowHistory, name: str) -> bool:
    return any(e.activity_task_scheduled_event_attributes.activity_type.name == name for e in history.events)
