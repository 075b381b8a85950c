"""Emailing the customer from a renewal: the CSM drafts, a manager approves (or
edits, or denies) in the one approvals queue, then it is sent exactly once.
Workflow code: runs inside the renewal workflow."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.renewal_side_effects import RenewalSideEffectActivities
    from contracts.approvals import ApprovalOutcome, ApprovalRequest
    from contracts.renewals import ArtifactState, ChooseInput, OutreachSend, RenewalState
    from workflows import renewal_chat as chat
    from workflows import retry_policies
    from workflows.approval_gate import ApprovalGate, new_approval_id

ACTION = "send_renewal_email"


def draft_in(state: RenewalState, step_id: str) -> ArtifactState | None:
    """The step's latest drafted email."""
    drafts = [a for a in state.artifacts if a.step_id == step_id and a.type == "email" and not a.id.startswith("sent-")]
    return drafts[-1] if drafts else None


async def ask_to_send(state: RenewalState, gate: ApprovalGate, inp: ChooseInput, ttl_s: int) -> None:
    now, draft = workflow.now(), draft_in(state, inp.step_id)
    if draft is None:
        return chat.add_note(state, inp.step_id, "There is no drafted email in this step yet: draft one first.", now)
    if any(state.email_approvals.get(r.id) == draft.id for r in gate.pending()):
        return chat.add_note(state, inp.step_id, "This draft is already waiting for a manager.", now)
    fields = {"subject": str(draft.data.get("subject", "")), "body": str(draft.data.get("body", ""))}
    req = ApprovalRequest(
        id=new_approval_id(),
        workflow_id=state.workflow_id,
        workflow_kind="renewal",
        action=ACTION,
        title=f"Email {state.customer_name} about their renewal?",
        summary=f"To the account's contact: “{fields['subject']}”",
        reason=f"customer emails need a manager's approval (requested by {inp.actor.email})",
        editable=fields,
        requested_at=now,
        expires_at=now + timedelta(seconds=ttl_s),
    )
    state.email_approvals[req.id] = draft.id
    await gate.open(req)
    chat.add_note(state, inp.step_id, f"Waiting for a manager to approve “{fields['subject']}”.", now)


async def on_outcome(state: RenewalState, gate: ApprovalGate, outcome: ApprovalOutcome) -> None:
    req, draft_id = gate.requests[outcome.approval_id], state.email_approvals[outcome.approval_id]
    step_id = next(a.step_id for a in state.artifacts if a.id == draft_id)
    now = workflow.now()
    if not outcome.approved:
        return chat.add_note(state, step_id, f"The email was not sent. {outcome.summary()}", now)
    fields = {**(req.editable or {}), **(outcome.edits or {})}
    send = OutreachSend(
        workflow_id=state.workflow_id,
        idempotency_key=f"{state.workflow_id}:{req.id}",
        approval_id=req.id,
        intelligence_id=state.intelligence_id,
        subject=fields["subject"],
        body=fields["body"],
    )
    try:
        to = await workflow.execute_activity_method(
            RenewalSideEffectActivities.send_outreach,
            send,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERACTIVE,  # the manager's decision waits; a failure is noted on the step
        )
    except ActivityError as err:
        return chat.add_note(state, step_id, f"Approved, but sending failed ({err.cause or err}).", now)
    artifact = ArtifactState(
        id=f"sent-{req.id}",
        step_id=step_id,
        title=f"Sent to {to}: {send.subject}",
        type="email",
        data={"to": to, "subject": send.subject, "body": send.body, "approved_by": outcome.decided_by or ""},
        template=False,
        visible=True,
        # Shown as "Produced by …" under the artifact and beside the chat note: who made the email go out.
        source=f"Renubu, approved by {outcome.decided_by}" + (" with edits" if outcome.edits else ""),
        created_at=now,
    )
    chat.add_artifact(state, step_id, artifact, f"Email sent to {to} ({outcome.summary()})", now)
