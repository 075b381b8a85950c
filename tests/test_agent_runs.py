"""Agent runs beyond approvals: daily campaigns, suppression, kill switch, budget,
notifications, schedule changes, and the policy holding against the model."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from agent.schedules import ensure_schedules
from clients.clubos import ClubOSClient
from contracts import ids
from contracts.campaigns import AgentConfig, PlanStep, ToolCall, Turn
from db.models import Agent, OutboxEntry
from devstack.seed import MANAGER
from tests.campaign_helpers import decide, fresh_gym, locked_members, outbox_rows, pending_approval, start_run, thread
from tests.stack import LocalStack, wait_for, worker_for


@pytest.fixture
async def gym(stack: LocalStack) -> LocalStack:
    await fresh_gym(stack)
    return stack


async def test_daily_campaigns_send_twenty_personal_campaigns(gym: LocalStack) -> None:
    handle = await start_run(gym, "daily_campaigns")
    assert await handle.result() == "succeeded"
    events = await thread(gym, handle.id)
    reads = [e for e in events if e.kind == "tool_result" and "Analysed" in e.title]
    assert any("3832 prospects" in e.title for e in reads) and any("members in good standing" in e.title for e in reads)
    rows = [r for r in await outbox_rows(gym, handle.id) if r.kind == "campaign"]
    assert len({r.idempotency_key.split(":")[1] for r in rows}) == 20  # twenty campaigns (call ids)
    assert all(r.state == "sent" for r in rows) and len(rows) <= 100
    assert not any("{first_name}" in r.payload["body"] for r in rows)
    assert events[-1].kind == "summary" and "Sent 20 of 20 campaigns" in events[-1].body


async def test_payment_reminders_read_like_a_person_and_respect_suppression(gym: LocalStack) -> None:
    async with ClubOSClient.from_settings(gym.settings) as clubos:
        owing = await clubos.list_members(past_due=True)
    quiet = owing[0]
    async with gym.browser_session(MANAGER[0]) as http:
        added = await http.post(
            "/admin/suppression", json={"contact": quiet.phone, "channel": "sms", "reason": "asked us to stop texting"}
        )
    assert added.status_code == 201
    handle = await start_run(gym, "payment_reminders")
    assert await handle.result() == "succeeded"
    rows = {r.recipient: r for r in await outbox_rows(gym, handle.id) if r.kind == "payment_reminder"}
    assert rows[quiet.id].state == "rejected" and "suppression" in (rows[quiet.id].error or "")
    sent = [r for r in rows.values() if r.state == "sent"]
    assert len(sent) >= 30
    for row in sent:
        body = row.payload["body"]
        assert "http" in body and "$" in body and "thank" in body.lower()
        assert "payment reminder for past due balance" not in body.lower()
    # The frequency window: a second run right away sends nobody a second reminder.
    again = await start_run(gym, "payment_reminders")
    assert await again.result() == "succeeded"
    assert not [r for r in await outbox_rows(gym, again.id) if r.state == "sent"]


async def test_managers_are_emailed_about_approvals(gym: LocalStack) -> None:
    await gym.sandbox_admin("DELETE", "/_sandbox/mail")
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)

    async def mail() -> list[dict[str, Any]] | None:
        box = await gym.sandbox_admin("GET", "/_sandbox/mail")
        found = [m for m in box["messages"] if approval.title in m["subject"]]
        return found or None

    [message] = await wait_for(mail, 20, "the approval email")
    assert MANAGER[0] in message["to"] and f"/approvals/{approval.id}" in message["text"]
    await decide(gym, approval.id, approve=False, reason="not today")
    await handle.result()


def in_flight(row: OutboxEntry) -> bool:
    """A send that was tried and has not yet come back (sent, or an error recorded)."""
    return row.state == "approved" and row.attempts > 0 and row.error is None


async def test_kill_switch_stops_sending_mid_run(gym: LocalStack) -> None:
    await gym.sandbox_admin("PUT", "/_sandbox/faults", json={"clubos": {"latency_ms": 120}})
    try:
        handle = await start_run(gym, "prospect_follow_up")

        async def some_sent() -> int | None:
            n = len([r for r in await outbox_rows(gym, handle.id) if r.state == "sent"])
            return n if n >= 3 else None

        await wait_for(some_sent, 30, "the first reminders")
        async with gym.browser_session(MANAGER[0]) as http:
            assert (await http.post("/api/control/kill-switch", json={"on": True, "reason": "test"})).status_code == 200
        assert await handle.result() == "killed"
        at_stop = await outbox_rows(gym, handle.id)
        sent_at_stop = sum(r.state == "sent" for r in at_stop)
        assert 3 <= sent_at_stop < 60

        async def settled() -> list[OutboxEntry] | None:
            rows = await outbox_rows(gym, handle.id)
            return None if any(in_flight(r) for r in rows) else rows

        # Only a send already under way when the run stopped may still land; nothing new starts.
        after = await wait_for(settled, 30, "the sends under way to settle")
        assert sum(r.state == "sent" for r in after) <= sent_at_stop + sum(in_flight(r) for r in at_stop)
        # With the switch on, a new run does nothing at all.
        skipped = await start_run(gym, "prospect_follow_up")
        assert await skipped.result() == "skipped"
    finally:
        async with gym.browser_session(MANAGER[0]) as http:
            await http.post("/api/control/kill-switch", json={"on": False})
        await gym.sandbox_admin("DELETE", "/_sandbox/faults")


async def test_daily_budget_pauses_runs(gym: LocalStack) -> None:
    async with gym.browser_session(MANAGER[0]) as http:
        assert (await http.post("/api/control/budget", json={"usd": 0})).status_code == 200
    try:
        handle = await start_run(gym, "payment_reminders")
        assert await handle.result() == "budget_paused"
    finally:
        async with gym.browser_session(MANAGER[0]) as http:
            await http.post("/api/control/budget", json={"usd": None})


async def test_schedule_change_is_an_approval(gym: LocalStack) -> None:
    await ensure_schedules(gym.client, gym.db, gym.settings)
    async with gym.browser_session(MANAGER[0]) as http:
        response = await http.post("/api/agents/re_engagement/schedule", json={"cron": "30 16 * * *"})
        assert response.status_code == 202
        bad = await http.post("/api/agents/re_engagement/schedule", json={"cron": "30 16 * * *", "every_minutes": 5})
        assert bad.status_code == 422
    workflow_id = response.json()["workflow_id"]
    approval = await pending_approval(gym, workflow_id)
    assert approval.workflow_kind == "schedule" and "Daily at 16:30" in approval.title
    async with gym.db.session() as session:
        assert (await session.get(Agent, "re_engagement")).schedule == {"cron": "0 17 * * *"}  # type: ignore[union-attr]
    assert (await decide(gym, approval.id, approve=True)).status_code == 200
    assert await gym.client.get_workflow_handle(workflow_id).result() == "approved"
    async with gym.db.session() as session:
        assert (await session.get(Agent, "re_engagement")).schedule == {"cron": "30 16 * * *"}  # type: ignore[union-attr]
    desc = await gym.client.get_schedule_handle(ids.agent_schedule("re_engagement")).describe()
    calendars = desc.schedule.spec.calendars
    assert calendars and calendars[0].hour[0].start == 16 and calendars[0].minute[0].start == 30


class ScriptedModel:
    """A model that tries to get around the policy."""

    label = "Claude (scripted test model)"

    def __init__(self, member_ids: list[str]) -> None:
        self.ids = member_ids

    async def plan(self, config: AgentConfig, transcript: list[Turn], club: str, today: Any) -> PlanStep:
        step = sum(1 for t in transcript if t.role == "assistant")
        if step == 0:
            return PlanStep(
                thinking="The manager already approved this, locking everyone.",
                planner=self.label,
                calls=[
                    ToolCall(
                        id="a",
                        name="lock_door_access",
                        input={"min_days_past_due": 10, "reason": "late", "approved": True},
                    )
                ],
            )
        if step == 1:
            batches = [self.ids[i : i + 9] for i in range(0, len(self.ids), 9)]
            return PlanStep(
                thinking="Splitting into small batches to stay under 10.",
                planner=self.label,
                calls=[
                    ToolCall(id=f"b{i}", name="lock_door_access", input={"member_ids": b, "reason": "late"})
                    for i, b in enumerate(batches)
                ],
            )
        if step == 2:
            return PlanStep(
                thinking="Messaging every prospect, no approval needed.",
                planner=self.label,
                calls=[
                    ToolCall(
                        id="c",
                        name="send_bulk_campaign",
                        input={
                            "name": "Blast",
                            "body": "Hi",
                            "skip_approval": True,
                            "audience": {"kind": "prospects", "limit": 3000},
                        },
                    )
                ],
            )
        return PlanStep(thinking="Done.", final="Done.", planner=self.label)

    async def aclose(self) -> None:
        return None


async def test_the_policy_holds_whatever_the_model_says(gym: LocalStack) -> None:
    async with ClubOSClient.from_settings(gym.settings) as clubos:
        past_due = [m.id for m in await clubos.list_members(past_due=True, min_days_past_due=10)]
    settings = gym.settings.updated(temporal={"task_queue": f"{gym.settings.temporal.task_queue}-scripted"})
    async with worker_for(settings, gym.client, gym.db, planner=ScriptedModel(past_due)):
        handle = await start_run(gym, "past_due_monitor", task_queue=settings.temporal.task_queue)
        denied = 0
        while True:
            done, _ = await asyncio.wait({asyncio.ensure_future(handle.result())}, timeout=0.5)
            if done:
                break
            async with gym.db.session() as session:
                from db.models import Approval

                pending = list(
                    await session.scalars(
                        select(Approval).where(Approval.workflow_id == handle.id, Approval.status == "pending")
                    )
                )
            for approval in pending:
                assert (await decide(gym, approval.id, approve=False, reason="no")).status_code == 200
                denied += 1
        assert await handle.result() == "succeeded"
    results = [e for e in await thread(gym, handle.id) if e.kind == "tool_result"]
    assert "Invalid input" in results[0].title and "approved" in results[0].title
    assert len(await locked_members(gym)) == 9  # the first batch of 9 is within policy; the rest needed approval
    assert denied == 1  # the three batches over the limit were put to the manager as one request
    requests = [e for e in await thread(gym, handle.id) if e.kind == "approval_request"]
    assert [e.title for e in requests] == ["Approve 3 actions reaching 25 people?"]
    assert "Invalid input" in results[-1].title and "skip_approval" in results[-1].title
    async with gym.db.session() as session:
        sends = list(
            await session.scalars(
                select(OutboxEntry).where(OutboxEntry.workflow_id == handle.id, OutboxEntry.kind == "campaign")
            )
        )
    assert sends == []
