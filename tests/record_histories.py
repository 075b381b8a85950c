"""Records the workflow histories the replay tests check against.

    .venv/bin/python -m tests.record_histories --only NAME [NAME ...]

Run it after a deliberate, versioned change to workflow code; the replay tests
then prove the current code still replays every recorded history. Histories go to
`tests/histories/<version>/` (the version in pyproject.toml) and are never
re-recorded: a scenario whose file already exists stops with an error, so `--only`
records just the new scenarios.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from agent.schedules import ensure_schedules
from api.agent_service import request_schedule_change
from contracts import ids, names
from contracts.renewals import RenewalInput
from contracts.search_attributes import ALL
from db import control
from db.models import Agent
from devstack.seed import MANAGER
from tests import history_store, record_actors, record_handler_paths, record_new_paths, record_paths
from tests.campaign_helpers import decide, fresh_gym, pending_approval, start_run
from tests.conftest import TEMPORAL_BIN
from tests.factories import update
from tests.inbox_helpers import a_member, decision, start_sync, stored, write_in
from tests.journey_helpers import enrollment, event, new_lead, speed_up, visits
from tests.stack import LocalStack, running_stack, wait_for
from tests.test_renewal_workflow import new_renewal, work_to_completion
from workflows.journey_sweep import JourneySweepWorkflow
from workflows.renewal import RenewalWorkflow


async def _save(handle: WorkflowHandle[object, object], name: str) -> None:
    history = await handle.fetch_history()
    path = history_store.write_new(name, history.to_json())
    print(f"recorded {path}: {len(history.events)} events")


async def record(stack: LocalStack, client: Client) -> None:
    # A renewal escalated by a second signal, then worked to its outcome.
    key, wf_id, csm = await new_renewal(stack, 0, days=5, risk=40)
    assert (await stack.post_signal(key, risk=90)).status_code == 202
    await stack.wait_projection(wf_id, lambda r: r.stage == "Emergency")
    renewal = client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    await work_to_completion(renewal, csm)
    await _save(renewal, "renewal_escalated_completed")
    await _save(client.get_workflow_handle(ids.intelligence(key)), "intelligence_two_signals")

    # A renewal whose date passes.
    upd = update(event_id="evt-record-expiry", stage="Critical", risk=40)
    upd.expires_at = datetime.now(UTC) + timedelta(seconds=2)
    expiring = await client.start_workflow(
        RenewalWorkflow.run,
        RenewalInput(customer_id="expiry-co", customer_name="Expiry Co", renewal_date=upd.expires_at.date()),
        id="renewal-expiry-co-recorded",
        task_queue=stack.settings.temporal.task_queue,
        start_signal=names.INTELLIGENCE_UPDATE,
        start_signal_args=[upd],
    )
    await expiring.result()
    await _save(expiring, "renewal_expired")

    # An agent run whose lock request is partly approved, and an approved schedule change.
    await fresh_gym(stack)
    run = await start_run(stack, "past_due_monitor")
    approval = await pending_approval(stack, run.id)
    await decide(stack, approval.id, approve=True, item_ids=[i["id"] for i in approval.items[:10]])
    await run.result()
    await _save(run, "agent_run_partial_approval")
    await ensure_schedules(client, stack.db, stack.settings)
    async with stack.db.session() as session:
        agent = await session.get(Agent, "re_engagement")
    assert agent is not None
    change_id = await request_schedule_change(client, stack.settings, agent, {"cron": "30 16 * * *"}, "maria")
    approval = await pending_approval(stack, change_id)
    await decide(stack, approval.id, approve=True)
    change = client.get_workflow_handle(change_id)
    await change.result()
    await _save(change, "schedule_change_approved")

    # The inbox (in auto-pilot): an automatic answer, a reply approved with edits, a staff reply, the sync loop.
    await start_sync(stack)
    await auto_pilot(stack)
    member = await a_member(stack)
    question = await write_in(stack, member.id, "what time do you open on Sunday?")
    await decision(stack, question)
    await _save(client.get_workflow_handle(ids.triage(question)), "triage_auto_reply")
    cancel = await write_in(stack, member.id, "I want to cancel")
    approval = await pending_approval(stack, ids.triage(cancel))
    await decide(stack, approval.id, approve=True, edits={"body": "Sorry to see you go; Maria will call you today."})
    await decision(stack, cancel)
    await _save(client.get_workflow_handle(ids.triage(cancel)), "triage_approved_with_edits")
    conversation_id = (await stored(stack, cancel)).conversation_id
    async with stack.browser_session(MANAGER[0]) as http:
        await http.post(f"/api/inbox/conversations/{conversation_id}/reply", json={"body": "Talk soon!"})
    reply_id = [w.id async for w in client.list_workflows(f"WorkflowType = '{names.STAFF_REPLY}'")][0]  # noqa: RUF015
    await _save(client.get_workflow_handle(reply_id), "staff_reply")
    await _save(client.get_workflow_handle(ids.INBOX_SYNC), "inbox_sync_running")

    # Nurture: a welcome series opened during its wait, a fast-track handoff, a re-engagement sweep.
    await speed_up(stack)
    lead_id = (await new_lead(stack))["lead_id"]
    await wait_for(lambda: _reached(stack, "welcome-series", lead_id, "wait-for-open"), 30, "the welcome email")
    await event(stack, lead_id, "opened")
    await enrollment(stack, "welcome-series", lead_id, "completed", timeout=90)
    await _save(client.get_workflow_handle(ids.journey("welcome-series", lead_id)), "journey_welcome_opened")
    hot = (await new_lead(stack, first_name="Casey"))["lead_id"]
    for kind in ("replied", "replied", "replied", "opened"):
        await event(stack, hot, kind, channel="sms")
    await event(stack, hot, "visited", channel="web", data={"page": "/pricing"})
    await wait_for(lambda: _reached(stack, "high-intent-fast-track", hot, "wait-for-booking"), 30, "the handoff")
    await event(stack, hot, "booked", channel="web")
    await enrollment(stack, "high-intent-fast-track", hot, "goal_met", timeout=60)
    await _save(client.get_workflow_handle(ids.journey("high-intent-fast-track", hot)), "journey_fast_track")
    sweep = await client.start_workflow(
        JourneySweepWorkflow.run,
        "re-engagement",
        id="journey-sweep-recorded",
        task_queue=stack.settings.temporal.task_queue,
    )
    await sweep.result()
    await _save(sweep, "journey_sweep")


async def auto_pilot(stack: LocalStack) -> None:
    async with stack.db.transaction() as session:
        await control.set_inbox_mode(session, "auto", "record_histories")


async def record_triage_risk(stack: LocalStack, client: Client) -> None:
    """Issue 14: an injury report escalated with its flag and an alert; a question answered after the reply
    check."""
    await start_sync(stack)
    await auto_pilot(stack)
    member = await a_member(stack)
    injury = await write_in(stack, member.id, "I slipped on the wet floor by the showers and hit my head")
    await decision(stack, injury)
    await _save(client.get_workflow_handle(ids.triage(injury)), "triage_risk_escalated")
    spin = await write_in(stack, member.id, "what time does spin start on Tuesday?")
    await decision(stack, spin)
    await _save(client.get_workflow_handle(ids.triage(spin)), "triage_reply_checked")


SCENARIOS: dict[str, Callable[[LocalStack, Client], Awaitable[None]]] = {
    "all_before_issue_14": record,
    "triage_risk": record_triage_risk,
    "renewal_paths": record_paths.record_renewal_paths,
    "renewal_approval_expiry": record_paths.record_renewal_approval_expiry,
    "renewal_calendar_escalation": record_paths.record_renewal_calendar_escalation,
    "renewal_superseded": record_paths.record_renewal_superseded,
    "journey_holds": record_paths.record_journey_holds,
    "journey_hold_released": record_paths.record_journey_hold_released,
    "journey_step_retried": record_paths.record_journey_step_retried,
    "signal_failed_and_retried": record_paths.record_signal_failed_and_retried,
    "agent_sends_with_deadline": record_paths.record_agent_sends_with_deadline,
    "continue_as_new": record_paths.record_continue_as_new,
    "inbox_sync_signals": record_paths.record_inbox_sync_signals,
    "renewal_continue_as_new": record_new_paths.record_renewal_continue_as_new,
    "patched_paths": record_new_paths.record_patched_paths,
    "actor_checks": record_actors.record_actor_checks,
    "agent_daily_limits": record_actors.record_daily_limits,
    **record_handler_paths.SCENARIOS,
}
# Extra dev server flags a scenario needs; each scenario gets a dev server and a stack of its own.
SERVER_ARGS: dict[str, list[str]] = {
    "continue_as_new": record_paths.CAN_SERVER_ARGS,
    "renewal_continue_as_new": record_paths.CAN_SERVER_ARGS,
}


async def _reached(stack: LocalStack, journey: str, lead_id: str, step: str) -> bool:
    return any(v.step_id == step for v in await visits(stack, journey, lead_id))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Required: every scenario already recorded would stop at its first file, so name the new ones.
    parser.add_argument("--only", nargs="+", choices=list(SCENARIOS), required=True)
    for name in parser.parse_args().only:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(TEMPORAL_BIN),
            search_attributes=ALL,
            data_converter=pydantic_data_converter,
            dev_server_log_level="error",
            dev_server_extra_args=SERVER_ARGS.get(name, []),
        )
        try:
            with tempfile.TemporaryDirectory() as tmp:
                async with running_stack(env.client, Path(tmp)) as stack:
                    await SCENARIOS[name](stack, env.client)
        finally:
            await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
