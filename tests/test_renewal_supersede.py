"""One renewal per customer: a signal that moves the customer's renewal date supersedes the open renewal."""

from __future__ import annotations

from sqlalchemy import select

from contracts import ids
from contracts.actors import Actor
from db.models import WorkflowInstance
from devstack.seed import MANAGER
from tests.stack import LocalStack
from workflows.renewal import RenewalWorkflow


async def test_a_moved_renewal_date_supersedes_the_open_renewal(stack: LocalStack) -> None:
    key = stack.healthy_account(7)
    stack.set_account(key, renewal_in_days=200)
    assert (await stack.post_signal(key, risk=20)).status_code == 202
    old_id = ids.renewal(key, stack.account(key).renewal_date)
    old = await stack.wait_projection(old_id)
    assert old.stage == "Monitor"
    handle = stack.client.get_workflow_handle_for(RenewalWorkflow.run, old_id)
    await handle.execute_update(RenewalWorkflow.start, Actor(email=old.assigned_to, role="csm"))

    stack.set_account(key, renewal_in_days=3)  # the customer's renewal date moved in Salesforce
    assert (await stack.post_signal(key, risk=85)).status_code == 202
    new_id = ids.renewal(key, stack.account(key).renewal_date)
    new = await stack.wait_projection(new_id)
    closed = await stack.wait_projection(old_id, lambda r: r.status == "superseded")

    assert new.stage == "Emergency" and new.status == "pending"
    assert closed.outcome_status == "superseded" and closed.outcome["notes"] == f"superseded by {new_id}"
    state = await handle.query(RenewalWorkflow.get_state)
    assert state.superseded_by == new_id and state.steps  # its history is kept
    assert any("superseded by" in h for h in state.history)
    async with stack.db.session() as session:
        open_rows = list(
            await session.scalars(
                select(WorkflowInstance.id).where(
                    WorkflowInstance.customer_id == key, WorkflowInstance.status.in_(("pending", "in_progress"))
                )
            )
        )
    assert open_rows == [new_id]
    result = await handle.result()
    assert result.status == "superseded"
    async with stack.browser_session(MANAGER[0]) as http:
        page = await http.get(f"/renewals/{old_id}")
    assert page.status_code == 200 and "superseded by" in page.text and f'href="/renewals/{new_id}"' in page.text
