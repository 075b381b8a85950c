"""Recorder scenarios for the paths issue 9 found without a history: a renewal's customer email approved,
denied, expired or cut short by a cancel; a reassigned renewal; journeys deferred by the frequency cap and
held by the kill switch; every continue-as-new (intelligence, agent run, inbox sync). Run by
`tests.record_histories`, which gives the continue-as-new scenario a dev server that suggests continuing
as new after a few events, so that path is recorded in seconds as production takes it."""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml
from temporalio.client import Client, WorkflowHistory

from contracts import ids, names
from contracts.actors import Actor
from contracts.renewals import ChooseInput, CompleteStepInput, RenewalInput, RenewalState
from db import approvals_store, control, intelligence_store
from db.models import FailedSignal, Lead
from devstack.seed import MANAGER
from tests import history_store
from tests.campaign_helpers import decide, fresh_gym, pending_approval, start_run
from tests.factories import update
from tests.inbox_helpers import a_member, start_sync, stored, write_in
from tests.journey_helpers import DAY_S, new_lead, sends, speed_up, visits
from tests.stack import LocalStack, wait_for
from tests.test_renewal_outreach import _draft_and_ask
from tests.test_renewal_workflow import act, new_renewal, work_to_completion
from workflows.renewal import RenewalWorkflow

# The continue-as-new scenario's dev server suggests continuing as new past this many events.
SUGGEST_CAN_AFTER_EVENTS = 20
CAN_SERVER_ARGS = ["--dynamic-config-value", f"limit.historyCount.suggestContinueAsNew={SUGGEST_CAN_AFTER_EVENTS}"]


def save(history: WorkflowHistory, name: str) -> None:
    path = history_store.write_new(name, history.to_json())
    print(f"recorded {path}: {len(history.events)} events")


async def save_latest(client: Client, workflow_id: str, name: str) -> None:
    save(await client.get_workflow_handle(workflow_id).fetch_history(), name)


async def runs(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """Every run of a workflow id, first to latest, following the continue-as-new chain back."""
    chain = [await client.get_workflow_handle(workflow_id).fetch_history()]
    while previous := chain[0].events[0].workflow_execution_started_event_attributes.continued_execution_run_id:
        chain.insert(0, await client.get_workflow_handle(workflow_id, run_id=previous).fetch_history())
    return chain


async def record_renewal_paths(stack: LocalStack, client: Client) -> None:
    # A customer email: the first draft denied, the redraft approved with edits and sent.
    handle, csm, denied_id, step = await _draft_and_ask(stack, 40)
    assert (await decide(stack, denied_id, approve=False, reason="too pushy")).status_code == 200
    await handle.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="outreach"))
    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="send"))
    approved_id = next(i for i in state.email_approvals if i != denied_id)
    edits = {"subject": "Your renewal plan", "body": "Hi, can we talk on Tuesday?"}
    assert (await decide(stack, approved_id, approve=True, edits=edits)).status_code == 200
    await wait_for(lambda: _has_artifact(handle, f"sent-{approved_id}"), 20, "the approved email sent")
    save(await handle.fetch_history(), "renewal_outreach_denied_then_approved")

    # Cancelled by a manager while an email waits for approval: the request expires with the renewal.
    handle, _, pending_id, _ = await _draft_and_ask(stack, 41)
    async with stack.browser_session(MANAGER[0]) as http:
        cancelled = await http.post(f"/api/workflows/{handle.id}/cancel", json={"reason": "customer acquired"})
    assert cancelled.status_code == 200, cancelled.text
    await handle.result()
    await wait_for(lambda: _approval_status(stack, pending_id, "expired"), 20, "the open request to expire")
    save(await handle.fetch_history(), "renewal_cancelled_with_email_pending")

    # Reassigned by a manager through the API (re-scored), then worked to its outcome by the new CSM.
    _, wf_id, csm = await new_renewal(stack, 42, days=20, risk=30)
    other = next(c.email for c in stack.sandbox.data.csms if c.email != csm.email)
    async with stack.browser_session(MANAGER[0]) as http:
        moved = await http.post(f"/api/workflows/{wf_id}/reassign", json={"to_email": other, "reason": "on leave"})
    assert moved.status_code == 200, moved.text
    renewal = client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    await work_to_completion(renewal, Actor(email=other, role="csm"))
    save(await renewal.fetch_history(), "renewal_reassigned_completed")


async def record_renewal_approval_expiry(stack: LocalStack, client: Client) -> None:
    """A customer email nobody decides: its approval timer expires it."""
    expiring = await _renewal_with_short_approvals(stack, client, 43)
    await stack.wait_projection(expiring.id)
    csm = Actor(email=update().assigned_to, role="csm")
    state = await act(expiring, RenewalWorkflow.start, csm)
    assert state.definition is not None
    first = state.definition.steps[0].id
    await expiring.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first, value="outreach"))
    state = await act(expiring, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first, value="send"))
    [approval_id] = state.email_approvals
    # Today the loop arms its timer before the request exists and an update does not re-arm it (reported to
    # issue 9): a new signal wakes the loop, which then waits for the request's expiry.
    again = update(event_id="evt-record-approval-ttl-2", stage="Emergency", risk=85, renewal=state.renewal_date)
    again.intelligence_id = state.intelligence_id or again.intelligence_id
    await expiring.signal(names.INTELLIGENCE_UPDATE, again)
    await wait_for(lambda: _approval_status(stack, approval_id, "expired"), 30, "the approval to expire by its timer")
    save(await expiring.fetch_history(), "renewal_outreach_approval_expired")


async def record_renewal_calendar_escalation(stack: LocalStack, client: Client) -> None:
    """The calendar escalates a renewal when a timer finds its stage behind the date. The day-boundary wake
    cannot be waited for here, so the renewal starts Critical while the calendar already says Emergency (4 days,
    risk 85), and the timer that fires is its customer email's expiry, after a manager denied the email: no
    request is left to expire, so the calendar check runs and escalates, as it does at midnight."""
    renewal = await _renewal_with_short_approvals(stack, client, 46, stage="Critical", ttl_s=15)
    await stack.wait_projection(renewal.id)
    csm = Actor(email=update().assigned_to, role="csm")
    await renewal.execute_update(RenewalWorkflow.start, csm)
    first = "review-health"
    await renewal.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first, value="review"))
    await renewal.execute_update(
        RenewalWorkflow.complete_step, CompleteStepInput(actor=csm, step_id=first, outcome="healthy")
    )
    step = "confirm-intent"
    await renewal.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="outreach"))
    state = await act(renewal, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=step, value="send"))
    [approval_id] = state.email_approvals
    again = update(event_id="evt-record-calendar-2", stage="Critical", risk=85, renewal=state.renewal_date)
    again.intelligence_id = state.intelligence_id or again.intelligence_id
    await renewal.signal(names.INTELLIGENCE_UPDATE, again)  # re-arms the loop's timer on the request's expiry
    assert (await decide(stack, approval_id, approve=False, reason="not yet")).status_code == 200
    await stack.wait_projection(renewal.id, lambda r: r.stage == "Emergency", timeout=60)
    save(await renewal.fetch_history(), "renewal_calendar_escalation")


async def record_renewal_superseded(stack: LocalStack, client: Client) -> None:
    """The customer's renewal date moved: the open renewal is superseded by the new date's renewal."""
    key = stack.healthy_account(47)
    stack.set_account(key, renewal_in_days=200)
    assert (await stack.post_signal(key, risk=20)).status_code == 202
    old_id = ids.renewal(key, stack.account(key).renewal_date)
    old = await stack.wait_projection(old_id)
    handle = client.get_workflow_handle_for(RenewalWorkflow.run, old_id)
    await handle.execute_update(RenewalWorkflow.start, Actor(email=old.assigned_to, role="csm"))
    stack.set_account(key, renewal_in_days=3)
    assert (await stack.post_signal(key, risk=85)).status_code == 202
    await stack.wait_projection(old_id, lambda r: r.status == "superseded")
    await handle.result()
    save(await handle.fetch_history(), "renewal_superseded")


async def _renewal_with_short_approvals(
    stack: LocalStack, client: Client, index: int, stage: str = "Emergency", ttl_s: int = 2
) -> Any:
    """A renewal of a real account (4 days out, risk 85) whose customer emails expire undecided after ttl_s."""
    key, _, _ = await new_renewal(stack, index, days=4, risk=20)  # real intelligence for the draft to use
    async with stack.db.session() as session:
        latest = await intelligence_store.latest_intelligence(session, key)
    assert latest is not None
    renewal_date: date = stack.account(key).renewal_date
    upd = update(event_id=f"evt-record-{index}", stage=stage, risk=85, renewal=renewal_date)
    upd.intelligence_id = latest.id
    return await client.start_workflow(
        RenewalWorkflow.run,
        RenewalInput(customer_id=key, customer_name=upd.customer_name, renewal_date=renewal_date, approval_ttl_s=ttl_s),
        id=f"renewal-{key}-{stage.lower()}-recorded",
        task_queue=stack.settings.temporal.task_queue,
        start_signal=names.INTELLIGENCE_UPDATE,
        start_signal_args=[upd],
    )


async def _has_artifact(handle: Any, artifact_id: str) -> bool:
    state: RenewalState = await handle.query(RenewalWorkflow.get_state)
    return any(a.id == artifact_id for a in state.artifacts)


async def _approval_status(stack: LocalStack, approval_id: str, status: str) -> bool:
    async with stack.db.session() as session:
        row = await approvals_store.get(session, approval_id)
    return row is not None and row.status == status


async def record_journey_holds(stack: LocalStack, client: Client) -> None:
    # One message per three journey days: of a lead's two journeys, one defers its first email.
    await speed_up(stack, cap=1, window_s=int(3 * DAY_S))
    lead_id = (await new_lead(stack, region="California"))["lead_id"]
    deferred = await wait_for(lambda: _deferred_by_cap(stack, lead_id), 60, "the cap's deferral in a journey")
    save_to = ids.journey(deferred, lead_id)
    await save_latest(client, save_to, "journey_deferred_by_cap")

    # The kill switch holds a welcome email (asking again every 0.5 s) until it is released.
    await speed_up(stack)
    stack.settings.journeys.kill_switch_recheck_s = 0.5
    async with stack.db.transaction() as session:
        await control.set_kill_switch(session, True, MANAGER[0], "checking the copy")
    try:
        held = (await new_lead(stack))["lead_id"]
        wf_id = ids.journey("welcome-series", held)
        await wait_for(lambda: _deferrals(client, wf_id, "kill switch on", 3), 30, "three held attempts")
    finally:
        async with stack.db.transaction() as session:
            await control.set_kill_switch(session, False, MANAGER[0])
        stack.settings.journeys.kill_switch_recheck_s = 60.0
    await wait_for(lambda: _sent(stack, held), 30, "the welcome email once released")
    await save_latest(client, wf_id, "journey_held_by_kill_switch")


async def record_journey_hold_released(stack: LocalStack, client: Client) -> None:
    """The kill switch holds a welcome email (the send waits for the lift's signal, checking again 0.2 s, 0.4 s, ...
    later) until a manager lifts it through the API, whose signal resumes the journey."""
    await speed_up(stack)
    stack.settings.journeys.kill_switch_recheck_s = 0.2
    async with stack.db.transaction() as session:
        await control.set_kill_switch(session, True, MANAGER[0], "checking the copy")
    held = (await new_lead(stack))["lead_id"]
    wf_id = ids.journey("welcome-series", held)
    try:
        await wait_for(lambda: _deferrals(client, wf_id, "kill switch on", 3), 30, "three held checks")
    finally:
        async with stack.browser_session(MANAGER[0]) as http:
            lifted = await http.post("/api/control/kill-switch", json={"on": False})
        stack.settings.journeys.kill_switch_recheck_s = 60.0
    assert lifted.status_code == 200, lifted.text
    await wait_for(lambda: _sent(stack, held), 30, "the welcome email once lifted")
    await wait_for(lambda: _reached_wait(stack, held), 30, "the step after the email")
    await save_latest(client, wf_id, "journey_held_until_released")


async def record_journey_step_retried(stack: LocalStack, client: Client) -> None:
    """A journey's SMS refused by ClubOS (a malformed number: a failed step), retried by a manager once fixed."""
    await speed_up(stack, cap=20)
    journey_id = "retry-recorded"
    definition = {
        "id": journey_id,
        "name": "Retry check",
        "trigger": {"type": "webhook"},
        "steps": [
            {"id": "text", "type": "send", "channel": "sms", "body": "Hi {first_name}, your tour is booked."},
            {"id": "later", "type": "wait", "duration": "60d"},
        ],
    }
    lead_id = (await new_lead(stack))["lead_id"]
    async with stack.db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        lead.phone = "555 0100"
    wf_id = ids.journey(journey_id, lead_id)
    async with stack.browser_session(MANAGER[0]) as http:
        source = yaml.safe_dump(definition)
        assert (await http.post(f"/api/journeys/{journey_id}/versions", json={"source": source})).status_code == 201
        assert (await http.post(f"/api/journeys/{journey_id}/enroll", json={"lead_id": lead_id})).status_code == 200
        await wait_for(lambda: _text_failed(stack, journey_id, lead_id), 60, "the failed send")
        async with stack.db.transaction() as session:
            lead = await session.get(Lead, lead_id)
            assert lead is not None
            lead.phone = "+15550100999"
        body = {"enrollment_id": wf_id, "step_id": "text", "request_id": "recorded-retry"}
        retried = await http.post(f"/api/leads/{lead_id}/retry", json=body)
    assert retried.status_code == 202 and "sent" in (retried.json()["outcome"] or ""), retried.text
    await save_latest(client, wf_id, "journey_step_retried")


async def record_signal_failed_and_retried(stack: LocalStack, client: Client) -> None:
    """A risk signal Active refuses (400: failed for good, recorded with its payload), retried by a manager once
    Active takes the request again."""
    key = stack.healthy_account(66)
    stack.set_account(key, renewal_in_days=20)
    await stack.set_faults("active", error_rate=1.0, error_status=400)
    try:
        assert (await stack.post_signal(key, risk=40, event_id="evt-recorded-refused")).status_code == 202
        await wait_for(lambda: _failed_signal(stack, "evt-recorded-refused"), 60, "the failure recorded")
    finally:
        await stack.set_faults("active", error_rate=0.0, error_status=503)
    async with stack.browser_session(MANAGER[0]) as http:
        retried = await http.post("/api/signals/evt-recorded-refused/retry", json={"request_id": "recorded"})
    assert retried.status_code == 202, retried.text
    await stack.wait_projection(ids.renewal(key, stack.account(key).renewal_date))
    await save_latest(client, ids.intelligence(key), "intelligence_signal_failed_and_retried")


async def record_agent_sends_with_deadline(stack: LocalStack, client: Client) -> None:
    """Daily campaigns sent by an agent run whose bulk sends carry a schedule-to-close timeout."""
    await fresh_gym(stack)
    run = await start_run(stack, "daily_campaigns")
    assert await run.result() == "succeeded"
    await save_latest(client, run.id, "agent_run_sends_with_deadline")


async def _failed_signal(stack: LocalStack, event_id: str) -> bool:
    async with stack.db.session() as session:
        return await session.get(FailedSignal, event_id) is not None


async def _text_failed(stack: LocalStack, journey_id: str, lead_id: str) -> bool:
    return any(v.step_id == "text" and "failed: " in v.outcome for v in await visits(stack, journey_id, lead_id))


async def _reached_wait(stack: LocalStack, lead_id: str) -> bool:
    return len(await visits(stack, "welcome-series", lead_id)) >= 2


async def _deferred_by_cap(stack: LocalStack, lead_id: str) -> str | None:
    for journey in ("welcome-series", "geographic"):
        outcomes = [v.outcome for v in await visits(stack, journey, lead_id)]
        if any("deferred until" in o and "frequency cap" in o for o in outcomes):
            return journey
    return None


async def _deferrals(client: Client, wf_id: str, text: str, n: int) -> bool:
    history = await client.get_workflow_handle(wf_id).fetch_history()
    results = [e.activity_task_completed_event_attributes.result for e in history.events]
    return sum(text.encode() in p.data for r in results for p in r.payloads) >= n


async def _sent(stack: LocalStack, lead_id: str) -> bool:
    return any(s.state == "sent" for s in await sends(stack, lead_id))


async def record_continue_as_new(stack: LocalStack, client: Client) -> None:
    """Needs CAN_SERVER_ARGS: every long-lived loop continues as new after a few events, carrying its state."""
    # Intelligence: two signals for one customer; the run continues as new carrying what it has seen.
    key = stack.healthy_account(44)
    stack.set_account(key, renewal_in_days=20)
    for risk in (30, 50):
        assert (await stack.post_signal(key, risk=risk)).status_code == 202
    intel = client.get_workflow_handle(ids.intelligence(key))
    await wait_for(lambda: _handled(intel, 2), 60, "both signals handled")
    chain = await runs(client, intel.id)
    assert len(chain) >= 2, "the intelligence workflow did not continue as new"
    save(chain[0], "intelligence_continued_as_new")
    save(chain[-1], "intelligence_after_continue_as_new")

    # An agent run: continues as new between iterations, carrying its thread, decided approvals included.
    await fresh_gym(stack)
    run = await start_run(stack, "past_due_monitor")
    approval = await pending_approval(stack, run.id)
    await decide(stack, approval.id, approve=True, item_ids=[i["id"] for i in approval.items[:10]])
    await run.result()
    chain = await runs(client, run.id)
    assert len(chain) >= 2, "the agent run did not continue as new"
    save(chain[0], "agent_run_continued_as_new")
    save(chain[-1], "agent_run_finished_after_continue_as_new")

    # The inbox sync: a message stored in one run; the cursor carried into the runs after it.
    await start_sync(stack)
    member = await a_member(stack)
    await stored(stack, await write_in(stack, member.id, "do you have towels at the front desk?"))
    before = len(await runs(client, ids.INBOX_SYNC))
    await wait_for(lambda: _more_runs(client, before + 2), 60, "two more continue-as-new runs of the sync")
    chain = await runs(client, ids.INBOX_SYNC)
    save(chain[0], "inbox_sync_first_run_continued_as_new")
    save(chain[-2], "inbox_sync_carried_run_continued_as_new")


async def record_inbox_sync_signals(stack: LocalStack, client: Client) -> None:
    """The sync's two signals: staff ask for a sync now, and the poll interval changes (then a message)."""
    await start_sync(stack, interval_s=5.0)
    async with stack.browser_session(MANAGER[0]) as http:
        assert (await http.post("/api/inbox/sync-now")).status_code == 200
        assert (await http.post("/api/inbox/sync-interval", json={"seconds": 1})).status_code == 200
    member = await a_member(stack)
    await stored(stack, await write_in(stack, member.id, "can I bring a friend on Saturday?"))
    status = await client.get_workflow_handle(ids.INBOX_SYNC).query(names.INBOX_SYNC_STATUS)
    assert status["poll_interval_s"] == 1.0
    await save_latest(client, ids.INBOX_SYNC, "inbox_sync_poked_and_interval_changed")


async def _handled(handle: Any, n: int) -> bool:
    return len(await handle.query(names.RECENT_SIGNALS)) >= n


async def _more_runs(client: Client, n: int) -> bool:
    return len(await runs(client, ids.INBOX_SYNC)) >= n
