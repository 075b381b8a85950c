"""A CSM's drafted email to the customer goes out only after a manager approves it
(as drafted or edited) in the one approvals queue; denied or left undecided, nothing is sent."""

from __future__ import annotations

from typing import Any

from contracts.actors import Actor
from contracts.renewals import (
    CancelInput,
    ChooseInput,
    CompleteInput,
    CompleteStepInput,
    ReassignInput,
    RenewalState,
)
from db import approvals_store, users
from devstack.seed import MANAGER
from tests.stack import LocalStack, wait_for
from tests.test_renewal_workflow import act, new_renewal, own_renewal
from workflows.renewal import RenewalWorkflow


async def _draft_and_ask(stack: LocalStack, index: int) -> tuple[Any, Actor, str, str]:
    """An emergency renewal whose first step has a drafted email sent for approval."""
    _, wf_id, csm = await new_renewal(stack, index, days=4, risk=85)
    handle = stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    state: RenewalState = await act(handle, RenewalWorkflow.start, csm)
    assert state.definition is not None
    step = state.definition.steps[0].id
    await handle.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="outreach"))
    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="send"))
    [approval_id] = state.email_approvals
    assert "Waiting for a manager" in state.chat[-2].text and "in their queue now" in state.chat[-1].text
    return handle, csm, approval_id, step


async def _approval(stack: LocalStack, approval_id: str) -> Any:
    async with stack.db.session() as session:
        return await approvals_store.get(session, approval_id)


async def _mail(stack: LocalStack, subject: str) -> list[dict[str, Any]]:
    box = await stack.sandbox_admin("GET", "/_sandbox/mail")
    return [m for m in box["messages"] if m["subject"] == subject]


async def test_an_approved_edited_email_is_sent_once_to_the_customer(stack: LocalStack) -> None:
    handle, _, approval_id, step = await _draft_and_ask(stack, 30)
    row = await wait_for(lambda: _approval(stack, approval_id), 20, "the approval request")
    assert row.workflow_kind == "renewal" and row.status == "pending" and set(row.editable) == {"subject", "body"}
    subject = f"Renewal plan {approval_id}"
    async with stack.browser_session(MANAGER[0]) as http:
        decided = await http.post(
            f"/api/approvals/{approval_id}/decide",
            json={"approve": True, "edits": {"subject": subject, "body": "Hi, can we talk on Tuesday?"}},
        )
        assert decided.status_code == 200, decided.text
        again = await http.post(f"/api/approvals/{approval_id}/decide", json={"approve": True})
        assert again.status_code == 409 and "already decided" in again.text
    [mail] = await wait_for(lambda: _mail(stack, subject), 20, "the email in the SMTP sink")
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    [sent] = [a for a in state.artifacts if a.id == f"sent-{approval_id}"]
    assert sent.step_id == step and sent.data["to"] in str(mail["to"]) and sent.data["approved_by"] == MANAGER[0]
    assert (await _approval(stack, approval_id)).status == "approved"


async def test_denied_or_undecided_emails_are_never_sent(stack: LocalStack) -> None:
    handle, csm, denied_id, step = await _draft_and_ask(stack, 31)
    async with stack.browser_session(MANAGER[0]) as http:
        refused = await http.post(f"/api/approvals/{denied_id}/decide", json={"approve": False, "reason": "too pushy"})
        assert refused.status_code == 200, refused.text
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    assert "not sent" in state.chat[-1].text and "too pushy" in state.chat[-1].text

    await handle.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="outreach"))
    redraft = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="send"))
    pending_id = next(i for i in redraft.email_approvals if i != denied_id)
    manager = Actor(email=MANAGER[0], role="manager")
    await handle.execute_update(RenewalWorkflow.cancel, CancelInput(actor=manager, reason="customer acquired"))
    await handle.result()
    row = await wait_for(lambda: _withdrawn(stack, pending_id), 20, "the open request withdrawn with the renewal")
    assert row.decided_by is None and row.decision["reason"] == "renewal cancelled"
    state = await handle.query(RenewalWorkflow.get_state)
    assert not [a for a in state.artifacts if a.id.startswith("sent-")]


async def _withdrawn(stack: LocalStack, approval_id: str) -> Any:
    row = await _approval(stack, approval_id)
    return row if row is not None and row.status == "withdrawn" else None


async def test_draft_another_differs_is_signed_by_the_csm_and_completing_withdraws_the_request(
    stack: LocalStack,
) -> None:
    handle, first_csm, approval_id, step = await _draft_and_ask(stack, 32)
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    owner = stack.sandbox.data.user_by_id(stack.account(state.customer_id).owner_id)
    async with stack.db.session() as session:  # hand it to a CSM who is not the Salesforce account owner
        team = await users.csms(session)
    worker = next(u for u in team if u.email not in (first_csm.email, owner.email) and u.name != owner.name)
    manager = Actor(email=MANAGER[0], role="manager")
    await handle.execute_update(
        RenewalWorkflow.reassign,
        ReassignInput(actor=manager, to_email=worker.email, to_name=worker.name, priority=state.priority),
    )
    await stack.wait_projection(state.workflow_id, lambda r: r.assigned_to == worker.email)
    csm = Actor(email=worker.email, role="csm")
    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="outreach"))
    first, second = [a.data for a in state.artifacts if a.id.startswith("draftOutreach")]
    assert first["body"] != second["body"]  # Draft Another gives another draft
    signature = second["body"].rsplit("\n\n", 1)[-1]
    assert worker.name in signature and owner.name not in signature  # signed by the CSM working it
    assert state.definition is not None
    for spec in state.definition.steps:
        await handle.execute_update(
            RenewalWorkflow.complete_step, CompleteStepInput(actor=csm, step_id=spec.id, outcome=spec.outcomes[0])
        )
    await handle.execute_update(RenewalWorkflow.complete, CompleteInput(actor=csm, outcome="renewed"))
    row = await wait_for(lambda: _withdrawn(stack, approval_id), 20, "the open request withdrawn on completion")
    assert row.decision["reason"] == "renewal completed" and row.decided_by is None
    state = await handle.query(RenewalWorkflow.get_state)
    assert "Withdrawn: renewal completed" in " ".join(c.text for c in state.chat)


async def _expired(stack: LocalStack, approval_id: str) -> Any:
    row = await _approval(stack, approval_id)
    return row if row is not None and row.status == "expired" else None


async def test_an_email_approval_expires_on_time_while_the_renewal_sleeps(stack: LocalStack) -> None:
    """The renewal's timer is set for its next stage day; a request opened afterwards sets it again."""
    # The next stage day is weeks away.
    handle, csm = await own_renewal(stack, 43, renewal_in_days=60, approval_ttl_s=2, name="Timer Co")
    state: RenewalState = await act(handle, RenewalWorkflow.start, csm)
    assert state.definition is not None
    step = state.definition.steps[0].id
    await handle.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="outreach"))
    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="send"))
    [approval_id] = state.email_approvals
    row = await wait_for(lambda: _expired(stack, approval_id), 60, "the 2 s request to expire")
    assert row.decided_by is None
