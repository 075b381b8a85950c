"""Workflows check who an update claims to come from: an update sent straight to Temporal (no API, no
login) with a forged "manager" who is no user, is disabled, or is really a CSM is refused with
ActorRefused, and nothing happens: no door opens or locks, no customer email goes out, the renewal keeps
its CSM and stays open."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.actors import Actor
from contracts.approvals import ApprovalDecision
from contracts.renewals import CancelInput, ReassignInput, RenewalState
from db import approvals_store, users
from devstack.seed import MANAGER
from tests.campaign_helpers import decide, fresh_gym, locked_members, pending_approval, start_run
from tests.stack import LocalStack
from tests.test_renewal_outreach import _draft_and_ask
from workflows.agent_run import AgentRunWorkflow
from workflows.renewal import RenewalWorkflow

DISABLED = "former.manager@renubu.demo"


async def _forgers(stack: LocalStack, csm_email: str) -> list[tuple[Actor, str]]:
    """Managers by claim only, each with the reason it is refused."""
    async with stack.db.transaction() as session:
        gone = await users.ensure_user(session, email=DISABLED, name="Former", role="manager", password="x" * 20)
        await users.disable(session, gone)
    return [
        (Actor(email="mallory@example.com", role="manager"), "is not an enabled user"),
        (Actor(email=DISABLED, role="manager"), "is not an enabled user"),
        (Actor(email=csm_email, role="manager"), "is a csm, not a manager"),
    ]


async def _refused(call: Any, reason: str) -> None:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await call
    cause = err.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "ActorRefused", cause
    assert reason in str(cause)


async def _pending(stack: LocalStack, approval_id: str) -> str:
    async with stack.db.session() as session:
        row = await approvals_store.get(session, approval_id)
    assert row is not None
    return row.status


async def test_a_forged_manager_cannot_approve_door_locks(stack: LocalStack) -> None:
    await fresh_gym(stack)
    before = await locked_members(stack)
    handle = await start_run(stack, "past_due_monitor")
    approval = await pending_approval(stack, handle.id)
    for actor, reason in await _forgers(stack, stack.sandbox.data.csms[0].email):
        forged = ApprovalDecision(approval_id=approval.id, actor=actor, approve=True)
        await _refused(handle.execute_update(AgentRunWorkflow.decide_approval, forged), reason)
    assert await _pending(stack, approval.id) == "pending"
    assert await locked_members(stack) == before  # nothing locked
    assert (await decide(stack, approval.id, approve=False, reason="checked")).status_code == 200
    assert await handle.result() == "succeeded"
    assert await locked_members(stack) == before


async def test_a_forged_manager_cannot_send_reassign_or_cancel_a_renewal(stack: LocalStack) -> None:
    handle, csm, approval_id, _ = await _draft_and_ask(stack, 85)
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    mail_before = len((await stack.sandbox_admin("GET", "/_sandbox/mail"))["messages"])
    for actor, reason in await _forgers(stack, csm.email):
        approve = ApprovalDecision(approval_id=approval_id, actor=actor, approve=True)
        await _refused(handle.execute_update(RenewalWorkflow.decide_approval, approve), reason)
        move = ReassignInput(
            actor=actor, to_email="mallory@example.com", to_name="Mallory", reason="mine now", priority=state.priority
        )
        await _refused(handle.execute_update(RenewalWorkflow.reassign, move), reason)
        await _refused(handle.execute_update(RenewalWorkflow.cancel, CancelInput(actor=actor, reason="x")), reason)
    state = await handle.query(RenewalWorkflow.get_state)
    assert state.is_open and state.assigned_to == csm.email and approval_id not in {a.id for a in state.artifacts}
    assert await _pending(stack, approval_id) == "pending"
    assert len((await stack.sandbox_admin("GET", "/_sandbox/mail"))["messages"]) == mail_before  # no email
    # The real manager, through the same update, is obeyed.
    manager = Actor(email=MANAGER[0], role="manager")
    await handle.execute_update(RenewalWorkflow.cancel, CancelInput(actor=manager, reason="test done"))
