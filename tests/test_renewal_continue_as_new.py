"""A renewal lives for months, so it continues as new (here after 20 events instead of Temporal's
suggestion): every run hands the next its whole state, so a renewal worked across several runs keeps its
steps, chat and artifacts, a customer email approved after the hand-over is sent, a repeated decision still
gets the recorded outcome, a pending approval still expires on time, the outcome is recorded once, and the
projection, the page and the workflow id are those of one renewal."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle

from contracts.renewals import ChooseInput, RenewalAck, RenewalState
from db import approvals_store
from tests.campaign_helpers import decide
from tests.factories import update
from tests.record_paths import runs
from tests.stack import LocalStack, wait_for
from tests.test_renewal_workflow import own_renewal
from workflows.renewal import RenewalWorkflow

EVERY_20_EVENTS = 20  # the lowest RenewalInput.continue_as_new_after_events allows: a new run every few actions
ACK_MAX_BYTES = 1024


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == set(RenewalState.model_fields), "the JSON API answers the whole state, as before"
    return body


async def _state(handle: WorkflowHandle[Any, Any]) -> RenewalState:
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    return state


async def _run_id(handle: WorkflowHandle[Any, Any]) -> str:
    return (await handle.describe()).run_id


async def _applied(handle: WorkflowHandle[Any, Any], seq: int) -> bool:
    return (await _state(handle)).seq > seq


async def push_past_continue_as_new(handle: WorkflowHandle[Any, Any]) -> None:
    """New intelligence (same stage, same CSM) until the run hands over: how a long renewal's hourly signals
    fill its history."""
    before = await _run_id(handle)
    for n in range(10):
        if await _run_id(handle) != before:
            return
        s = await _state(handle)
        signal = update(event_id=f"evt-can-{uuid.uuid4().hex[:8]}-{n}", stage=s.stage, risk=85, renewal=s.renewal_date)
        signal.intelligence_id, signal.customer_name, signal.assigned_to = (
            s.intelligence_id,
            s.customer_name,
            s.assigned_to,
        )
        await handle.signal(RenewalWorkflow.intelligence_update, signal)
        await wait_for(lambda seq=s.seq: _applied(handle, seq), 20, "the signal applied")
    await wait_for(lambda: _changed(handle, before), 20, "the renewal to continue as new")


async def _changed(handle: WorkflowHandle[Any, Any], run_id: str) -> bool:
    return await _run_id(handle) != run_id


async def _approval(stack: LocalStack, approval_id: str, status: str) -> Any:
    async with stack.db.session() as session:
        row = await approvals_store.get(session, approval_id)
    return row if row is not None and row.status == status else None


async def email_sent(handle: WorkflowHandle[Any, Any], approval_id: str) -> bool:
    return any(a.id == f"sent-{approval_id}" for a in (await _state(handle)).artifacts)


async def test_a_renewal_worked_across_runs_keeps_everything(stack: LocalStack) -> None:
    started, csm = await own_renewal(
        stack, 60, renewal_in_days=4, approval_ttl_s=3600, name="Carried", continue_as_new_after_events=EVERY_20_EVENTS
    )
    renewal = stack.client.get_workflow_handle_for(RenewalWorkflow.run, started.id)  # the latest run, always
    base = f"/api/workflows/{renewal.id}"
    async with stack.browser_session(csm.email) as http:
        state = _ok(await http.post(f"{base}/start"))
        first = state["definition"]["steps"][0]["id"]
        _ok(await http.post(f"{base}/actions/outreach", json={"step_id": first}))
        state = _ok(await http.post(f"{base}/actions/send", json={"step_id": first}))
    [approval_id] = state["email_approvals"]

    await push_past_continue_as_new(renewal)
    assert await _approval(stack, approval_id, "pending"), "the request waits in the queue across the hand-over"
    subject = f"Carried over {approval_id}"
    decision = {"approve": True, "edits": {"subject": subject, "body": "Hi, shall we talk on Tuesday?"}}
    decided = await decide(stack, approval_id, **decision)
    assert decided.status_code == 200, decided.text
    await wait_for(lambda: email_sent(renewal, approval_id), 30, "the approved email sent by the new run")
    assert await _approval(stack, approval_id, "approved")

    await push_past_continue_as_new(renewal)
    again = await decide(stack, approval_id, **decision)  # the decisions were carried: a repeat is recognised
    assert again.status_code == 200 and again.json() == decided.json(), again.text

    async with stack.browser_session(csm.email) as http:
        state = _ok(await http.post(f"{base}/steps/{first}/complete", json={"outcome": "risk_confirmed"}))
        for step in state["definition"]["steps"][1:]:
            state = _ok(await http.post(f"{base}/steps/{step['id']}/complete", json={"outcome": step["outcomes"][0]}))
        done = await http.post(f"{base}/complete", json={"outcome": "renewed", "notes": "carried across runs"})
        state = _ok(done)
    assert state["status"] == "completed"

    result = await renewal.result()
    assert result.workflow_id == renewal.id and result.status == "completed"
    assert result.outcome is not None and result.outcome.status == "renewed"
    assert [s.status for s in result.steps] == ["done"] * len(result.steps) == ["done"] * 4
    assert any("Waiting for a manager" in c.text for c in result.chat), "the first run's chat is still there"
    assert [a.id for a in result.artifacts if a.id.startswith("sent-")] == [f"sent-{approval_id}"]
    box = await stack.sandbox_admin("GET", "/_sandbox/mail")
    assert [m["subject"] for m in box["messages"]].count(subject) == 1

    chain = await runs(stack.client, renewal.id)
    assert len(chain) >= 3, f"only {len(chain)} run(s)"
    assert {h.workflow_id for h in chain} == {renewal.id}
    ends = [h.events[-1].event_type for h in chain]
    assert ends == [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW] * (len(chain) - 1) + [
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    ]
    for history in chain:  # updates answer a small ack, not the state
        for e in history.events:
            if e.HasField("workflow_execution_update_completed_event_attributes"):
                [ack] = e.workflow_execution_update_completed_event_attributes.outcome.success.payloads
                assert len(ack.data) < ACK_MAX_BYTES

    row = await stack.wait_projection(renewal.id, lambda r: r.status == "completed")
    assert row.outcome_status == "renewed" and row.steps_done == row.steps_total == 4
    async with stack.browser_session(csm.email) as http:
        page = await http.get(f"/renewals/{renewal.id}")
    assert page.status_code == 200 and "Workflow complete: Renewed" in page.text
    assert "carried across runs" in page.text and subject in page.text


async def test_a_pending_approval_expires_on_time_in_a_later_run(stack: LocalStack) -> None:
    """The approval's expiry is a deadline in the carried request: the new run arms its timer from it."""
    started, csm = await own_renewal(
        stack, 61, renewal_in_days=60, approval_ttl_s=20, name="Expiring", continue_as_new_after_events=EVERY_20_EVENTS
    )
    renewal = stack.client.get_workflow_handle_for(RenewalWorkflow.run, started.id)
    ack = await renewal.execute_update(RenewalWorkflow.start, csm)
    assert isinstance(ack, RenewalAck) and ack.status == "in_progress"
    state = await _state(renewal)
    assert state.definition is not None
    step = state.definition.steps[0].id
    for value in ("outreach", "send"):
        await renewal.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value=value))
    [approval_id] = (await _state(renewal)).email_approvals
    await push_past_continue_as_new(renewal)
    assert await _approval(stack, approval_id, "pending"), "expired before the hand-over: raise approval_ttl_s"
    row = await wait_for(lambda: _approval(stack, approval_id, "expired"), 60, "the carried request to expire")
    assert row.decided_by is None
    state = await _state(renewal)
    assert state.status == "in_progress" and "not sent" in state.chat[-1].text
