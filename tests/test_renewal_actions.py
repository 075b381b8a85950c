"""Renewal buttons tell the truth: the chat says what an action did only after it did it, and a failed
action can be clicked again (the step keeps offering it) until it works."""

from __future__ import annotations

from contracts.renewals import ChooseInput, CompleteStepInput, RenewalState
from tests.stack import LocalStack
from tests.test_renewal_workflow import act, new_renewal
from workflows.renewal import RenewalWorkflow

DONE = "I created a Salesforce task asking Finance"


async def test_a_failed_task_says_so_and_a_retry_creates_it_once(stack: LocalStack) -> None:
    _, wf_id, csm = await new_renewal(stack, 33, days=4, risk=85)
    handle = stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    await handle.execute_update(RenewalWorkflow.start, csm)
    await handle.execute_update(
        RenewalWorkflow.complete_step, CompleteStepInput(actor=csm, step_id="assess-risk", outcome="risk_confirmed")
    )
    # Salesforce is down for longer than the action's retries (4 attempts).
    await stack.set_faults("salesforce", fail_next=4)
    try:
        state: RenewalState = await act(
            handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id="review-contract", value="task")
        )
    finally:
        await stack.set_faults("salesforce", fail_next=0)
    assert "did not work" in state.chat[-1].text
    assert not any(DONE in c.text for c in state.chat)  # it never claimed what did not happen
    assert "task" in [b.value for b in state.offered_buttons]  # Retry: the same button is still there
    assert not [a for a in state.artifacts if a.id.startswith("createTask")]

    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id="review-contract", value="task"))
    assert DONE in state.chat[-1].text and [b.value for b in state.offered_buttons] == ["complete"]
    [task] = [a for a in state.artifacts if a.id.startswith("createTask")]
    assert sum(1 for c in state.chat if DONE in c.text) == 1
    keys = [k for k in stack.sandbox.tasks.counts() if k.startswith(f"{wf_id}:")]
    assert len(keys) == 1 and stack.sandbox.tasks.counts()[keys[0]]["records"] == 1, task
