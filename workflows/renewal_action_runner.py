"""Activity-backed buttons of a renewal step (schedule call, draft outreach, draft
plan, Salesforce task). Workflow code: runs inside the renewal workflow."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.renewal_side_effects import RenewalSideEffectActivities
    from contracts.renewals import ActionRequest, ActionResult, ArtifactState, ChooseInput, RenewalState
    from workflows import renewal_chat as chat
    from workflows import retry_policies


async def run_action(state: RenewalState, action: str, inp: ChooseInput) -> bool:
    """Run the activity and add its artifact; if the model keeps failing, the offline
    generator does the work and the artifact says so. False when it failed (the chat says why)."""
    key = chat.next_action_key(state, inp.step_id, action)
    step = next(p for p in state.steps if p.step_id == inp.step_id)
    req = ActionRequest(
        workflow_id=state.workflow_id,
        idempotency_key=key,
        action=action,
        step_id=step.step_id,
        step_name=step.name,
        customer_id=state.customer_id,
        intelligence_id=state.intelligence_id,
        stage=state.stage,
        actor=inp.actor,
    )
    try:
        result = await _perform(req, retry_policies.LLM, retry_policies.LLM_TIMEOUT)
    except ActivityError as err:
        if action == "createTask":  # no model involved: nothing to fall back to
            return _failed(state, step.step_id, err)
        req.offline_reason = str(err.cause or err)
        try:
            result = await _perform(req, retry_policies.INTERACTIVE, retry_policies.SHORT)
        except ActivityError as err2:
            return _failed(state, step.step_id, err2)
    artifact = ArtifactState(
        id=f"{action}-{step.step_id}-{step.action_counts[action]}",
        step_id=step.step_id,
        title=result.title,
        type=result.type,
        data=result.data,
        template=False,
        visible=True,
        source=result.source,
        created_at=workflow.now(),
    )
    chat.add_artifact(state, step.step_id, artifact, result.note, workflow.now())
    return True


async def _perform(req: ActionRequest, retry: RetryPolicy, limit: timedelta) -> ActionResult:
    return await workflow.execute_activity_method(
        RenewalSideEffectActivities.perform_action, req, start_to_close_timeout=limit, retry_policy=retry
    )


def _failed(state: RenewalState, step_id: str, err: ActivityError) -> bool:
    cause = err.cause or err
    chat.add_note(
        state,
        step_id,
        f"That did not work ({cause}). Nothing was created; you can try again.",
        workflow.now(),
    )
    return False
