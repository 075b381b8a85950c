"""Recorder scenarios for the patched paths of issue 9's handler and outage work, each driven for real on the dev
server: two managers deciding one renewal approval while an action holds its lock (the loser's ApprovalConflict,
then the same decision again), the same triage approval decided twice at once, a signal that arrives as the
intelligence workflow's idle timer fires, a signal whose enrichment Salesforce refuses as bad data (and the next
one processed), and a journey SMS that ClubOS refuses (the step fails, the journey goes on). Each scenario checks
that its history holds the patch marker before it keeps the file, so a history never claims a path it missed.
Run by `tests.record_histories`, on a stack of its own; accounts 110-112 (the sandbox has 116 healthy ones, so the
range 130-139 given for this work does not exist) are used by no test."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory, WorkflowUpdateFailedError
from temporalio.worker._workflow_instance import _WorkflowLogicFlag

from clients.clubos import ClubOSClient
from contracts import ids, names
from contracts.actors import Actor
from contracts.approvals import ApprovalDecision, ApprovalOutcome
from contracts.intelligence import IntelligenceInput, SignalOutcome
from db import control
from devstack.seed import MANAGER
from tests import history_store
from tests.campaign_helpers import pending_approval
from tests.inbox_helpers import a_member, decision, start_sync, write_in
from tests.journey_helpers import enrollment, event, new_lead, speed_up, visits
from tests.stack import LocalStack, wait_for, worker_for
from tests.test_intake_dual_write import _has, _signal
from tests.test_renewal_decision_race import _ask, _decide, _slow_task
from tests.test_renewal_workflow import new_renewal
from worker import activity_set, build_worker
from workflows.approval_gate import REPEATED_DECISION
from workflows.intelligence import DRAIN_ON_IDLE, KEEP_GOING, CustomerIntelligenceWorkflow
from workflows.journey_steps import SEND_FAILS_STEP
from workflows.renewal import DECISION_RACE, RenewalWorkflow

BOSS = Actor(email=MANAGER[0], role="manager")
OTHER_MANAGER = Actor(email="david.kim@renubu.demo", role="manager")


def save_marked(history: WorkflowHistory, name: str, patch: str) -> None:
    """Keep `history` as `name`, once it is known to have taken the `patch` path."""
    kinds = [EventType.Name(e.event_type).removeprefix("EVENT_TYPE_") for e in history.events]
    assert patch in history_store.patch_markers(history.to_json()), f"{name} never took the {patch} path: {kinds}"
    path = history_store.write_new(name, history.to_json())
    print(f"recorded {path}: {len(history.events)} events")


async def record_renewal_decision_race(stack: LocalStack, client: Client) -> None:
    """Two managers decide while Salesforce holds the CSM's action (and the lock); the loser is told, the
    winner's double click gets the recorded outcome."""
    _, wf_id, csm = await new_renewal(stack, 110, days=4, risk=85)
    handle = client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    approval_id, state = await _ask(handle, csm)
    assert state.current_step is not None
    approve = ApprovalDecision(approval_id=approval_id, actor=BOSS, approve=True)
    deny = ApprovalDecision(approval_id=approval_id, actor=OTHER_MANAGER, approve=False, reason="not now")
    await stack.set_faults("salesforce", error_rate=1.0)
    try:
        choose = await _slow_task(handle, csm, state.current_step.step_id)
        first, second = await _decide(handle, approve), await _decide(handle, deny)
    finally:
        await stack.set_faults("salesforce", error_rate=0.0)
    outcome: ApprovalOutcome = await first.result()
    try:
        await second.result()
        raise AssertionError("the second decision won too")
    except WorkflowUpdateFailedError as err:
        assert "already decided" in str(err.cause)
    await choose.result()
    again = await handle.execute_update(names.DECIDE_APPROVAL, approve, result_type=ApprovalOutcome)
    assert again == outcome
    save_marked(await handle.fetch_history(), "renewal_decisions_raced_under_the_lock", DECISION_RACE)


async def record_triage_decided_twice(stack: LocalStack, client: Client) -> None:
    """A manager's double click on a triage approval: both decisions arrive at once, one is applied, and the
    repeat answers the recorded outcome."""
    await start_sync(stack)
    async with stack.db.transaction() as session:
        await control.set_inbox_mode(session, "auto", "record_histories")  # a cancel asks a manager
    member = await a_member(stack)
    cancel = await write_in(stack, member.id, "I want to cancel my membership")
    approval = await pending_approval(stack, ids.triage(cancel))
    handle = client.get_workflow_handle(ids.triage(cancel))
    approve = ApprovalDecision(approval_id=approval.id, actor=BOSS, approve=True)
    outcomes = await asyncio.gather(
        *(handle.execute_update(names.DECIDE_APPROVAL, approve, result_type=ApprovalOutcome) for _ in range(2))
    )
    assert outcomes[0] == outcomes[1] and outcomes[0].approved
    await decision(stack, cancel)
    await handle.result()
    save_marked(await handle.fetch_history(), "triage_approval_decided_twice", REPEATED_DECISION)


async def record_intelligence_drain_on_idle(stack: LocalStack, client: Client) -> None:
    """No worker while the idle timer fires and a signal arrives: both reach the next workflow task together,
    and the signal is processed instead of dropped.

    The SDK (1.35) still runs a task's signals before its timers by default, so the signal wins that race and the
    idle branch never sees it; the batch order it will make the default (every job applied, then the workflow
    runs: the idle timeout and the signal together) is what takes the patched branch. The worker that picks the
    task up opts in to it; the history records the flag, so its replay uses that order whatever the default."""
    settings = stack.settings.updated(temporal={"task_queue": f"{stack.settings.temporal.task_queue}-idle"})
    key = stack.healthy_account(111)
    stack.set_account(key, renewal_in_days=25)
    async with worker_for(settings, client, stack.db):
        handle = await client.start_workflow(
            CustomerIntelligenceWorkflow.run,
            IntelligenceInput(customer_id=key, idle_timeout_s=1),
            id=f"{ids.intelligence(key)}-idle",
            task_queue=settings.temporal.task_queue,
        )
        await wait_for(lambda: _has(handle, EventType.EVENT_TYPE_TIMER_STARTED), 30, "the idle timer")
    await wait_for(lambda: _has(handle, EventType.EVENT_TYPE_TIMER_FIRED), 30, "the idle timer to fire")
    event_id = f"evt_idle_{uuid.uuid4().hex[:12]}"
    await handle.signal(CustomerIntelligenceWorkflow.customer_update, _signal(stack, key, event_id))
    async with activity_set(settings, client, db=stack.db) as activities:
        worker = build_worker(client, settings, activities, stack.db)
        worker._set_default_workflow_logic_flag(
            _WorkflowLogicFlag.PROCESS_WORKFLOW_ACTIVATION_JOBS_AS_SINGLE_BATCH, enabled=True
        )
        async with worker:
            outcomes: list[SignalOutcome] = await handle.result()
            [outcome] = [o for o in outcomes if o.event_id == event_id]
            assert outcome.result == "renewal" and outcome.renewal_workflow_id
            await client.get_workflow_handle(outcome.renewal_workflow_id).terminate("recorded: no worker serves it")
    save_marked(await handle.fetch_history(), "intelligence_signal_drained_on_idle", DRAIN_ON_IDLE)


async def record_intelligence_failed_signal(stack: LocalStack, client: Client) -> None:
    """Salesforce refuses a signal's enrichment as bad data (a 400, which no retry fixes): that signal is
    reported failed and the workflow takes the next one. A first signal is processed before the refusal starts,
    so the client holds its token and only the query is refused."""
    key = stack.healthy_account(112)
    stack.set_account(key, renewal_in_days=20)
    handle = client.get_workflow_handle_for(CustomerIntelligenceWorkflow.run, ids.intelligence(key))
    assert (await stack.post_signal(key, risk=40)).status_code == 202
    await wait_for(lambda: _outcomes(handle, "renewal", 1), 60, "the first signal processed")
    await stack.set_faults("salesforce", error_rate=1.0, error_status=400)
    try:
        assert (await stack.post_signal(key, risk=60)).status_code == 202
        await wait_for(lambda: _outcomes(handle, "failed", 1), 60, "the refused signal reported failed")
    finally:
        await stack.set_faults("salesforce", error_rate=0.0, error_status=503)
    assert (await stack.post_signal(key, risk=70)).status_code == 202
    await wait_for(lambda: _outcomes(handle, "renewal", 2), 60, "the next signal processed")
    save_marked(await handle.fetch_history(), "intelligence_signal_failed_then_next_processed", KEEP_GOING)


async def _outcomes(handle: Any, result: str, count: int) -> bool:
    recent: list[SignalOutcome] = await handle.query(CustomerIntelligenceWorkflow.recent)
    return sum(o.result == result for o in recent) >= count


async def record_journey_send_refused(stack: LocalStack, client: Client) -> None:
    """A hot lead whose phone opted out of SMS at ClubOS (Renubu never heard): ClubOS refuses the fast track's
    instant SMS, the step fails with the reason, and the journey goes on to the handoff and the booking."""
    await speed_up(stack)
    async with ClubOSClient.from_settings(stack.settings) as clubos:
        opted_out = next(m for m in await clubos.list_members() if m.opt_out_sms and m.phone)
    hot = (await new_lead(stack, first_name="Casey", phone=opted_out.phone))["lead_id"]
    for kind in ("replied", "replied", "replied", "opened"):
        await event(stack, hot, kind, channel="sms")
    await event(stack, hot, "visited", channel="web", data={"page": "/pricing"})

    async def sms_failed() -> bool:
        return any(v.step_id == "instant-sms" and v.outcome.startswith("failed") for v in await visits(stack, *fast))

    fast = ("high-intent-fast-track", hot)
    await wait_for(sms_failed, 60, "the refused SMS step")
    await wait_for(lambda: _reached(stack, fast, "wait-for-booking"), 30, "the handoff")
    await event(stack, hot, "booked", channel="web")
    await enrollment(stack, *fast, "goal_met", timeout=60)
    history = await client.get_workflow_handle(ids.journey(*fast)).fetch_history()
    save_marked(history, "journey_send_refused_step_failed", SEND_FAILS_STEP)


async def _reached(stack: LocalStack, journey: tuple[str, str], step: str) -> bool:
    return any(v.step_id == step for v in await visits(stack, *journey))


SCENARIOS = {
    "renewal_decision_race": record_renewal_decision_race,
    "triage_decided_twice": record_triage_decided_twice,
    "intelligence_drain_on_idle": record_intelligence_drain_on_idle,
    "intelligence_failed_signal": record_intelligence_failed_signal,
    "journey_send_refused": record_journey_send_refused,
}
