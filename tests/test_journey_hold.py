"""The kill switch holds a journey's send without polling: the held journey waits for the signal that lifting the
switch sends (with a backing-off check in case it is lost), so a long hold adds a few events, not an activity and a
timer every minute, and the lift resumes it at once."""

from __future__ import annotations

from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle

from contracts import ids, names
from db import control, journey_store
from devstack.seed import MANAGER
from tests.journey_helpers import new_lead, sends, speed_up
from tests.stack import LocalStack, wait_for

BASE_S = 0.05  # the first fallback check; each later one waits twice as long
HELD_CHECKS = 9  # 0.05 s x (1 + 2 + ... + 128): a hold of 12.75 s, the next check 12.8 s away


def _held_checks(events: list[Any]) -> list[int]:
    """Indexes of the send's results that said "held"."""
    return [
        i
        for i, e in enumerate(events)
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
        and any(b"kill switch on" in p.data for p in e.activity_task_completed_event_attributes.result.payloads)
    ]


async def _checked(handle: WorkflowHandle[Any, Any], n: int) -> list[Any] | None:
    events = list((await handle.fetch_history()).events)
    return events if len(_held_checks(events)) >= n else None


async def test_a_long_hold_adds_few_events_and_the_lift_resumes_it(stack: LocalStack) -> None:
    await speed_up(stack)
    s = stack.settings
    s.journeys.kill_switch_recheck_s, s.journeys.kill_switch_recheck_max_s = BASE_S, 600.0
    async with stack.db.transaction() as session:
        await control.set_kill_switch(session, True, MANAGER[0], "checking the copy")
    try:
        lead_id = (await new_lead(stack))["lead_id"]
        handle = stack.client.get_workflow_handle(ids.journey("welcome-series", lead_id))
        await wait_for(lambda: _checked(handle, HELD_CHECKS), 120, f"{HELD_CHECKS} checks of the held send")
        async with stack.db.session() as session:
            assert handle.id in await journey_store.held(session, 1000)
    finally:
        async with stack.browser_session(MANAGER[0]) as http:
            lifted = await http.post("/api/control/kill-switch", json={"on": False})
        s.journeys.kill_switch_recheck_s, s.journeys.kill_switch_recheck_max_s = 60.0, 3600.0
    assert lifted.status_code == 200, lifted.text
    await wait_for(lambda: _sent(stack, lead_id), 60, "the welcome email once lifted")

    events = list((await handle.fetch_history()).events)
    held = _held_checks(events)
    first, last = held[0], held[-1]
    span = (events[last].event_time.ToDatetime() - events[first].event_time.ToDatetime()).total_seconds()
    per_check = (last - first) / (len(held) - 1)
    print(f"held {span:.1f} s ({span / BASE_S:.0f} polls' worth): {len(held)} checks, {last - first} events")
    # A minute-by-minute poll would have asked span / BASE_S times, 11 events each; the hold asked 9 times.
    assert span / BASE_S >= 200
    assert len(held) <= HELD_CHECKS + 1
    assert per_check <= 12
    # The lift woke it: after the signal the pending check was cancelled, not fired, and the send went out.
    signal = next(
        i
        for i, e in enumerate(events)
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
        and e.workflow_execution_signaled_event_attributes.signal_name == names.JOURNEY_RELEASE
    )
    assert signal > last
    after = [e.event_type for e in events[signal:]]
    send = after.index(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    assert EventType.EVENT_TYPE_TIMER_FIRED not in after[:send]
    assert EventType.EVENT_TYPE_TIMER_CANCELED in after[:send]
    async with stack.db.session() as session:
        assert handle.id not in await journey_store.held(session, 1000)


async def _sent(stack: LocalStack, lead_id: str) -> bool:
    return any(s.state == "sent" for s in await sends(stack, lead_id))
