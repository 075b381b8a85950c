"""Autonomous runs and approvals: approve all, a subset, deny, expiry, double
decisions, wrong roles, dry run. On the dev server against the ClubOS sandbox."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from contracts.actors import Actor
from contracts.approvals import ApprovalDecision
from db import approvals_store
from tests.campaign_helpers import decide, fresh_gym, locked_members, outbox_rows, pending_approval, start_run, thread
from tests.stack import LocalStack
from tests.test_approval_ids import FULL_ID
from workflows.agent_run import AgentRunWorkflow


@pytest.fixture
async def gym(stack: LocalStack) -> LocalStack:
    await fresh_gym(stack)
    return stack


async def test_lock_request_for_34_members_approve_a_subset(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)
    assert approval.title == "Lock door access for 34 members?"
    assert FULL_ID.fullmatch(approval.id), approval.id  # a whole uuid4, not 8 hex digits
    assert "more than 10" in approval.reason and len(approval.items) == 34
    chosen = [i["id"] for i in approval.items[:10]]
    response = await decide(gym, approval.id, approve=True, item_ids=chosen)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "partially_approved"
    assert await handle.result() == "succeeded"
    assert await locked_members(gym) == set(chosen)
    async with gym.db.session() as session:
        row = await approvals_store.get(session, approval.id)
    assert row is not None and row.decided_by == "maria.lopez@renubu.demo" and row.decided_at is not None
    kinds = [e.kind for e in await thread(gym, handle.id)]
    assert kinds[0] == "notification" and "approval_request" in kinds and "approval_decision" in kinds
    assert kinds[-1] == "summary"
    assert len([r for r in await outbox_rows(gym, handle.id) if r.kind == "door_lock"]) == 10


async def test_approve_all_and_second_decision_is_rejected(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)
    assert (await decide(gym, approval.id, approve=True)).status_code == 200
    again = await decide(gym, approval.id, approve=False, reason="changed my mind")
    assert again.status_code == 409 and "already decided" in again.text
    assert await handle.result() == "succeeded"
    assert len(await locked_members(gym)) == 34


async def test_deny_needs_a_reason_and_locks_nothing(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)
    no_reason = await decide(gym, approval.id, approve=False)
    assert no_reason.status_code == 409 and "reason" in no_reason.text
    assert (await decide(gym, approval.id, approve=False, reason="Talk to them first")).status_code == 200
    assert await handle.result() == "succeeded"
    assert await locked_members(gym) == set()
    decision = next(e for e in await thread(gym, handle.id) if e.kind == "approval_decision")
    assert "Talk to them first" in decision.title


async def test_unknown_items_and_wrong_roles_are_rejected(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)
    bogus = await decide(gym, approval.id, approve=True, item_ids=["M999999"])
    assert bogus.status_code == 409 and "not in this request" in bogus.text
    csm = gym.sandbox.data.csms[0].email
    assert (await decide(gym, approval.id, email=csm, approve=True)).status_code == 403
    # Scripts driving Temporal directly meet the same validator.
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update(
            AgentRunWorkflow.decide_approval,
            ApprovalDecision(approval_id=approval.id, actor=Actor(email=csm, role="csm"), approve=True),
        )
    assert "only a manager" in str(err.value.cause)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update(
            AgentRunWorkflow.decide_approval,
            ApprovalDecision(approval_id="apr-nope", actor=Actor(email="m@x", role="manager"), approve=True),
        )
    assert "unknown approval request" in str(err.value.cause)
    assert (await decide(gym, approval.id, approve=False, reason="cleanup")).status_code == 200
    await handle.result()


async def test_expired_request_does_nothing_and_shows_as_expired(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor", approval_ttl_s=2)
    approval = await pending_approval(gym, handle.id)
    assert await handle.result() == "succeeded"
    assert await locked_members(gym) == set()
    async with gym.db.session() as session:
        row = await approvals_store.get(session, approval.id)
    assert row is not None and row.status == "expired" and row.decided_by is None
    late = await decide(gym, approval.id, approve=True)
    assert late.status_code == 409


async def test_dry_run_records_would_do_and_changes_nothing(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor", dry_run=True)
    assert await handle.result() == "succeeded"  # no approval asked: nothing would happen anyway
    events = await thread(gym, handle.id)
    would = [e for e in events if e.kind == "would_do"]
    assert would and would[0].title == "Dry run: Lock door access for 34 members"
    assert len(would[0].data["items"]) == 34 and would[0].data["policy"] == "approve"
    assert await locked_members(gym) == set()
    assert await outbox_rows(gym, handle.id) == []
    sent = await gym.sandbox_admin("GET", "/_sandbox/clubos/sent")
    assert not [m for m in (sent if isinstance(sent, list) else sent.get("data", [])) if handle.id in str(m)]
