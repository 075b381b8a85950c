"""Journeys together: the frequency cap and quiet hours across journeys, version
changes with leads mid-journey, handoffs, branching, publishing, dry runs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from temporalio.client import ScheduleHandle
from temporalio.service import RPCError

from contracts import ids
from db import control
from devstack.seed import MANAGER
from journeys.library import prebuilt
from tests.journey_helpers import enrollment, event, new_lead, sends, speed_up, visits
from tests.stack import LocalStack, wait_for


async def test_cap_holds_across_two_journeys(stack: LocalStack) -> None:
    # Both journeys' first sends must be tried inside the window for the cap to be what spaces them: on a
    # starved worker they can start seconds apart, so the window is generous (it was 12 s and flaked).
    window_s = 30
    await speed_up(stack, cap=1, window_s=window_s)
    lead = await new_lead(stack, region="California")
    assert set(lead["enrolled"]) >= {"welcome-series", "geographic"}
    lead_id = lead["lead_id"]
    await wait_for(lambda: _sent(stack, lead_id, 2), 120, "both journeys' first emails")
    first, second = sorted((s for s in await sends(stack, lead_id) if s.state == "sent"), key=lambda s: s.created_at)[
        :2
    ]
    # The cap counts messages from when they were reserved (created_at), not from when the send finished.
    assert (second.created_at - first.created_at).total_seconds() >= window_s - 1
    # The deferred send's visit is projected when its journey reaches its next step.
    await wait_for(lambda: _deferred_by_cap(stack, lead_id), 60, "the cap's deferral in a journey's log")


async def _deferred_by_cap(stack: LocalStack, lead_id: str) -> bool:
    outcomes = [v.outcome for j in ("welcome-series", "geographic") for v in await visits(stack, j, lead_id)]
    return any("deferred until" in o and "frequency cap" in o for o in outcomes)


async def test_kill_switch_holds_journey_sends_until_released(stack: LocalStack) -> None:
    await speed_up(stack)
    stack.settings.journeys.kill_switch_recheck_s = 0.5
    async with stack.db.transaction() as session:
        await control.set_kill_switch(session, True, MANAGER[0], "checking the copy")
    try:
        lead_id = (await new_lead(stack))["lead_id"]
        await wait_for(lambda: _outcome_says(stack, lead_id, "kill switch on"), 30, "a held send")
        assert [s for s in await sends(stack, lead_id) if s.state == "sent"] == []
    finally:
        async with stack.db.transaction() as session:
            await control.set_kill_switch(session, False, MANAGER[0])
        stack.settings.journeys.kill_switch_recheck_s = 60.0
    await wait_for(lambda: _sent(stack, lead_id, 1), 30, "the welcome email once released")


async def _sent(stack: LocalStack, lead_id: str, n: int) -> bool:
    return len([s for s in await sends(stack, lead_id) if s.state == "sent"]) >= n


def _night_zone() -> str:
    now = datetime.now(UTC)
    for zone in (
        "Pacific/Auckland",
        "Asia/Tokyo",
        "Asia/Kolkata",
        "Europe/Berlin",
        "America/New_York",
        "America/Los_Angeles",
        "Pacific/Honolulu",
        "Asia/Dubai",
        "Australia/Perth",
    ):
        if not 8 <= now.astimezone(ZoneInfo(zone)).hour < 21:
            return zone
    raise AssertionError("no zone at night right now")


async def test_quiet_hours_in_the_leads_time_zone(stack: LocalStack) -> None:
    await speed_up(stack)
    stack.settings.journeys.quiet_hours_start, stack.settings.journeys.quiet_hours_end = 21, 8
    try:
        lead_id = (await new_lead(stack, timezone=_night_zone()))["lead_id"]
        first_visit = await wait_for(lambda: _first_visit(stack, lead_id), 30, "the first step")
        assert first_visit.step_id == "welcome-email"
        await wait_for(lambda: _outcome_says(stack, lead_id, "quiet hours"), 30, "a deferral")
        assert [s for s in await sends(stack, lead_id) if s.state == "sent"] == []
        await stack.client.get_workflow_handle(ids.journey("welcome-series", lead_id)).terminate("test over")
    finally:
        stack.settings.journeys.quiet_hours_start = stack.settings.journeys.quiet_hours_end = 0


async def _first_visit(stack: LocalStack, lead_id: str) -> object:
    rows = await visits(stack, "welcome-series", lead_id)
    return rows[0] if rows else None


async def _outcome_says(stack: LocalStack, lead_id: str, text: str) -> bool:
    history = await stack.client.get_workflow_handle(ids.journey("welcome-series", lead_id)).fetch_history()
    results = [e.activity_task_completed_event_attributes.result for e in history.events]
    return any(text.encode() in p.data for r in results for p in r.payloads)


async def test_new_version_for_new_leads_running_ones_finish_on_theirs(stack: LocalStack) -> None:
    await speed_up(stack)
    old_lead = (await new_lead(stack))["lead_id"]
    await enrollment(stack, "welcome-series", old_lead)
    v2 = prebuilt()["welcome-series"].model_dump(mode="json", exclude_none=True)
    for step in v2["steps"]:
        if step["id"] == "sms-nudge":
            step["body"] = "Hey {first_name}! Version two says hi. Free first visit, just reply YES."
    async with stack.browser_session(MANAGER[0]) as http:
        published = await http.post(
            "/api/journeys/welcome-series/versions", json={"source": yaml.safe_dump(v2), "note": "friendlier SMS"}
        )
        assert published.status_code == 201, published.text
        version = published.json()["version"]
    new = (await new_lead(stack))["lead_id"]
    for lead_id in (old_lead, new):
        await wait_for(lambda lid=lead_id: _sms_sent(stack, lid), 60, "the SMS nudge")
    old_sms = next(s for s in await sends(stack, old_lead) if s.channel == "sms")
    new_sms = next(s for s in await sends(stack, new) if s.channel == "sms")
    assert "Did you get our welcome email" in old_sms.result["body"]
    assert "Version two says hi" in new_sms.result["body"]
    assert (await enrollment(stack, "welcome-series", old_lead)).version == version - 1
    assert (await enrollment(stack, "welcome-series", new)).version == version
    async with stack.browser_session(MANAGER[0]) as http:  # roll back for the other tests
        rolled = await http.post("/api/journeys/welcome-series/activate-version", json={"version": version - 1})
        assert rolled.json()["active_version"] == version - 1


async def _sms_sent(stack: LocalStack, lead_id: str) -> bool:
    return any(s.channel == "sms" and s.state == "sent" for s in await sends(stack, lead_id))


async def test_high_intent_fast_track_hands_off_with_context(stack: LocalStack) -> None:
    await speed_up(stack)
    lead_id = (await new_lead(stack, first_name="Casey"))["lead_id"]
    for kind in ("replied", "replied", "replied", "opened"):
        await event(stack, lead_id, kind, channel="sms")
    response = await event(stack, lead_id, "visited", channel="web", data={"page": "/pricing"})
    assert "high-intent-fast-track" in response.json()["enrolled"]
    await wait_for(lambda: _reached(stack, lead_id, "wait-for-booking"), 30, "the handoff")
    async with stack.browser_session(MANAGER[0]) as http:
        detail = (await http.get(f"/api/leads/{lead_id}")).json()
        notes = (await http.get("/api/notifications")).json()
    [handoff] = detail["handoffs"]
    assert handoff["to"] == "human" and handoff["context"]["lead_score"] >= 80
    assert handoff["context"]["previous_agents"] == ["email_agent"]
    assert any("Call Casey" in n["title"] for n in notes)
    assert any(h["from"] == "club" for h in handoff["context"]["conversation_history"])


async def _reached(stack: LocalStack, lead_id: str, step: str) -> bool:
    return any(v.step_id == step for v in await visits(stack, "high-intent-fast-track", lead_id))


async def test_geographic_branch_and_analytics(stack: LocalStack) -> None:
    await speed_up(stack)
    lead_id = (await new_lead(stack, region="Texas"))["lead_id"]
    await enrollment(stack, "geographic", lead_id, "completed")
    path = [v.step_id for v in await visits(stack, "geographic", lead_id)]
    assert path == ["by-region", "texas"]
    async with stack.browser_session(MANAGER[0]) as http:
        stats = (await http.get("/api/journeys/geographic/analytics")).json()
    steps = {s["step_id"]: s for s in stats["steps"]}
    assert stats["enrolled"] >= 1 and steps["by-region"]["reached"] >= 1 and steps["texas"]["reached"] >= 1


async def test_publishing_an_invalid_journey_names_the_problem(stack: LocalStack) -> None:
    await speed_up(stack)
    broken = prebuilt()["welcome-series"].model_dump(mode="json", exclude_none=True)
    del broken["steps"][1]["timeout"]
    async with stack.browser_session(MANAGER[0]) as http:
        response = await http.post("/api/journeys/welcome-series/versions", json={"source": yaml.safe_dump(broken)})
        bad_yaml = await http.post("/api/journeys/welcome-series/versions", json={"source": "steps: [unclosed"})
    assert response.status_code == 422
    assert any(e["path"].startswith("steps.1") and "timeout" in e["message"] for e in response.json()["detail"])
    assert bad_yaml.status_code == 422 and "YAML" in bad_yaml.text


async def test_dry_run_explains_the_path(stack: LocalStack) -> None:
    await speed_up(stack)
    async with stack.browser_session(MANAGER[0]) as http:
        opened = (
            await http.post(
                "/api/journeys/welcome-series/dry-run",
                json={"lead": {"first_name": "Sam", "email": "s@x.com"}, "events": [{"type": "opened", "after": "3h"}]},
            )
        ).json()
        silent = (await http.post("/api/journeys/welcome-series/dry-run", json={"lead": {"first_name": "Sam"}})).json()
    assert [p["step_id"] for p in opened["path"]][:3] == ["welcome-email", "wait-for-open", "did-they-open"]
    assert "sms-nudge" not in [p["step_id"] for p in opened["path"]]
    assert "sms-nudge" in [p["step_id"] for p in silent["path"]] and silent["outcome"] == "completed"
    branch = next(p for p in opened["path"] if p["step_id"] == "did-they-open")
    assert "opened since welcome-email exists? yes" in branch["why"]


async def test_a_schedule_trigger_follows_the_active_version(stack: LocalStack) -> None:
    schedule = stack.client.get_schedule_handle("journey-sweep-re-engagement")
    definition = prebuilt()["re-engagement"].model_dump(mode="json", exclude_none=True)
    async with stack.browser_session(MANAGER[0]) as http:

        async def publish(cron: str) -> int:
            definition["trigger"]["schedule"] = cron
            body = {"source": yaml.safe_dump(definition), "note": cron}
            published = await http.post("/api/journeys/re-engagement/versions", json=body)
            assert published.status_code == 201, published.text
            return int(published.json()["version"])

        daily = await publish("0 9 * * *")
        assert await _when(schedule) == ((0,), (9,), (0,))  # every day at 9:00 (weekdays from 0)
        await publish("30 7 * * 1")
        assert await _when(schedule) == ((30,), (7,), (1,))

        assert (await http.post("/api/journeys/re-engagement/deactivate")).status_code == 200
        with pytest.raises(RPCError):
            await schedule.describe()
        assert (await http.post("/api/journeys/re-engagement/activate")).status_code == 200
        rolled = await http.post("/api/journeys/re-engagement/activate-version", json={"version": daily})
        assert rolled.status_code == 200, rolled.text
    assert await _when(schedule) == ((0,), (9,), (0,))


async def _when(schedule: ScheduleHandle) -> tuple[tuple[int, ...], ...]:
    """(minutes, hours, first weekday) of the schedule's calendar, as the server stored the cron."""
    [calendar] = (await schedule.describe()).schedule.spec.calendars
    return tuple(tuple(r.start for r in ranges) for ranges in (calendar.minute, calendar.hour, calendar.day_of_week))
