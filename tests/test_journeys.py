"""Nurture journeys on the dev server, with journey days shortened to seconds."""

from __future__ import annotations

import pytest

from tests.journey_helpers import enrollment, event, mail_to, new_lead, sends, signed_post, speed_up, visits
from tests.stack import LocalStack, wait_for


@pytest.fixture
async def fast(stack: LocalStack) -> LocalStack:
    await speed_up(stack)
    return stack


async def test_welcome_series_unopened_email_gets_an_sms_then_finishes(fast: LocalStack) -> None:
    lead = await new_lead(fast)
    assert lead["created"] and "welcome-series" in lead["enrolled"] and "geographic" not in lead["enrolled"]
    lead_id = lead["lead_id"]
    await wait_for(lambda: _mail(fast, lead_id), 20, "the welcome email in the sandbox mail view")
    done = await enrollment(fast, "welcome-series", lead_id, "completed", timeout=90)
    steps = [v.step_id for v in await visits(fast, "welcome-series", lead_id)]
    assert steps == [
        "welcome-email",
        "wait-for-open",
        "did-they-open",
        "sms-nudge",
        "wait-for-day-5",
        "getting-started",
        "wait-for-day-7",
        "special-offer",
        "mark-nurtured",
    ]
    channels = [s.channel for s in await sends(fast, lead_id) if s.state == "sent"]
    assert channels == ["email", "sms", "email", "email"]
    assert done.finished_at is not None


async def _mail(stack: LocalStack, lead_id: str) -> bool:
    rows = await sends(stack, lead_id)
    return bool(rows) and bool(await mail_to(stack, rows[0].target))


async def test_an_open_during_the_wait_skips_the_sms(fast: LocalStack) -> None:
    lead_id = (await new_lead(fast))["lead_id"]
    await wait_for(lambda: _reached(fast, lead_id, "wait-for-open"), 30, "the welcome email to go out")
    assert (await event(fast, lead_id, "opened")).status_code == 202
    await wait_for(lambda: _reached(fast, lead_id, "getting-started"), 60, "day 5")
    path = {v.step_id: v.outcome for v in await visits(fast, "welcome-series", lead_id)}
    assert "sms-nudge" not in path and path["did-they-open"].startswith("-> wait-for-day-5")
    assert path["wait-for-open"] == "opened arrived"


async def _reached(stack: LocalStack, lead_id: str, step: str) -> bool:
    return any(v.step_id == step for v in await visits(stack, "welcome-series", lead_id))


async def test_a_late_open_does_not_undo_the_sms_but_counts(fast: LocalStack) -> None:
    lead_id = (await new_lead(fast))["lead_id"]
    await wait_for(lambda: _reached(fast, lead_id, "sms-nudge"), 60, "the SMS nudge")
    response = await event(fast, lead_id, "opened")
    assert response.json()["signalled"] == 1
    await wait_for(lambda: _reached(fast, lead_id, "getting-started"), 60, "day 5")
    assert [s.channel for s in await sends(fast, lead_id)][:2] == ["email", "sms"]


async def test_goal_met_mid_wait_ends_the_journey(fast: LocalStack) -> None:
    lead_id = (await new_lead(fast))["lead_id"]
    await enrollment(fast, "welcome-series", lead_id)
    await event(fast, lead_id, "booked", channel="web")
    done = await enrollment(fast, "welcome-series", lead_id, "goal_met", timeout=30)
    assert done.exit_reason == "the journey's goal was met"
    assert len(await sends(fast, lead_id)) == 1  # only the welcome email went out


async def test_opting_out_mid_journey_exits_it(fast: LocalStack) -> None:
    lead_id = (await new_lead(fast))["lead_id"]
    await wait_for(lambda: _reached(fast, lead_id, "wait-for-open"), 30, "the welcome email to go out")
    await event(fast, lead_id, "unsubscribed", channel="email")
    await event(fast, lead_id, "unsubscribed", channel="sms")
    done = await enrollment(fast, "welcome-series", lead_id, "exited", timeout=60)
    assert done.exit_reason == "the lead opted out of every channel"
    assert [s.channel for s in await sends(fast, lead_id) if s.state == "sent"] == ["email"]


async def test_duplicate_events_count_once_and_bad_input_is_refused(fast: LocalStack) -> None:
    lead_id = (await new_lead(fast))["lead_id"]
    first = await event(fast, lead_id, "clicked", event_id="evt-duplicate-1")
    again = await event(fast, lead_id, "clicked", event_id="evt-duplicate-1")
    assert first.json()["status"] == "accepted" and again.json()["status"] == "duplicate"
    bad = await event(fast, lead_id, "teleported")
    assert bad.status_code == 422 and "type" in bad.text
    nobody = await signed_post(fast, "/webhooks/lead", {"first_name": "No Contact"})
    assert nobody.status_code == 422 and "email or a phone" in nobody.text
    # A time zone the workflow could not use is refused at intake, naming the field.
    lost = await signed_post(fast, "/webhooks/lead", {"email": "tz@example.com", "timezone": "Mars/Olympus_Mons"})
    assert lost.status_code == 422 and "timezone" in lost.text and "Mars/Olympus_Mons" in lost.text
