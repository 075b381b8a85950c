"""The campaign pages over real HTTP: who may see them, approval cards and
decisions through the HTML routes (end to end on a past-due monitor run), agent
controls, the kill switch banner, the suppression list, and escaping."""

from __future__ import annotations

import html
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import delete
from temporalio.service import RPCError

from agent.schedules import schedule_for
from contracts import ids
from db import agent_runs_store, approvals_store, suppression
from db.models import Agent, AgentRun, Approval, Notification, RunEvent
from devstack.seed import MANAGER, OPERATOR
from tests.campaign_helpers import fresh_gym, locked_members, pending_approval, start_run, thread
from tests.stack import LocalStack, wait_for

HX = {"HX-Request": "true"}
PAGES = ["/agents", "/agents?agent=past_due_monitor", "/command", "/approvals", "/approvals?status=all", "/suppression"]
PARTIALS = ["/command/counts", "/agents/overview", "/ui/approvals-badge", "/ui/bell"]


@pytest.fixture
async def gym(stack: LocalStack) -> LocalStack:
    await fresh_gym(stack)
    return stack


@pytest.mark.parametrize("email", [MANAGER[0], OPERATOR[0]])
async def test_pages_render_for_managers_and_operators(gym: LocalStack, email: str) -> None:
    async with gym.browser_session(email) as http:
        for path in (*PAGES, *PARTIALS):
            response = await http.get(path)
            assert response.status_code == 200, (path, response.text[:300])
        agents = await http.get("/agents")
    assert "Past-Due Monitor" in agents.text and "Tool catalog" in agents.text
    catalog = agents.text.split('id="tools-dialog"')[1].split("</dialog>")[0]
    assert catalog.count('class="risk-badge') == 19  # the whole catalog, with risk classes
    assert ("▶ Run now" in agents.text) is (email == MANAGER[0])  # operators read only


async def test_csms_are_refused(gym: LocalStack) -> None:
    async with gym.browser_session(gym.sandbox.data.csms[0].email) as http:
        for path in (*PAGES, *PARTIALS, "/agents/past_due_monitor/card", "/runs/nope"):
            response = await http.get(path)
            assert response.status_code == 403, path
            assert "manager or operator" in response.text
        banner = await http.get("/ui/kill-banner")  # the kill switch banner is for everyone
    assert banner.status_code == 200


async def test_approval_card_then_deny_without_reason_then_approve_a_subset(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)
    url = f"/approvals/{approval.id}"
    async with gym.browser_session(MANAGER[0]) as http:
        page = await http.get(url)
        assert "Lock door access for 34 members?" in page.text and "✓ Approve all" in page.text
        assert page.text.count('name="item"') == 34
        assert all(html.escape(i["label"]) in page.text for i in approval.items)
        feed = await http.get("/agents?agent=past_due_monitor")
        assert f'id="approval-{approval.id}"' in feed.text  # inline in the run's thread

        no_reason = await http.post(f"{url}/decide", data={"decision": "deny", "reason": " "}, headers=HX)
        assert no_reason.status_code == 409 and no_reason.headers["X-Renubu-Inline"] == "1"
        assert "a denial needs a reason" in no_reason.text and "✓ Approve all" in no_reason.text  # card still live

        edited = await http.post(f"{url}/decide", data={"decision": "edited", "edit:body": "Hi"}, headers=HX)
        assert edited.status_code == 409 and "these fields cannot be edited: body" in edited.text
        chosen = [i["id"] for i in approval.items[:10]]
        decided = await http.post(f"{url}/decide", data={"decision": "selected", "item": chosen}, headers=HX)
        assert decided.status_code == 200, decided.text
        assert "Approved 10 of 34." in decided.text and "Partially approved by maria.lopez@renubu.demo" in decided.text
        assert "✓ Approve all" not in decided.text

        again = await http.post(f"{url}/decide", data={"decision": "all"}, headers=HX)
        assert again.status_code == 409 and "already decided" in again.text
    assert await handle.result() == "succeeded"
    assert await locked_members(gym) == set(chosen)
    assert [e.kind for e in await thread(gym, handle.id)][-1] == "summary"


async def test_deny_with_a_reason_and_operators_cannot_decide(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)
    url = f"/approvals/{approval.id}"
    async with gym.browser_session(OPERATOR[0]) as http:
        page = await http.get(url)
        assert "Waiting for a manager's decision." in page.text and "✓ Approve all" not in page.text
        refused = await http.post(f"{url}/decide", data={"decision": "all"}, headers=HX)
        assert refused.status_code == 403 and "needs the manager role" in refused.text
        assert refused.headers["HX-Retarget"] == "#flash"
    async with gym.browser_session(MANAGER[0]) as http:
        row = await http.post(
            f"{url}/decide", data={"decision": "deny", "reason": "Talk to them first", "view": "row"}, headers=HX
        )
        assert row.status_code == 200 and row.text.lstrip().startswith("<tr") and "Denied." in row.text
        card = await http.get(f"{url}/card")
        assert "Talk to them first" in card.text and "Denied by maria.lopez@renubu.demo" in card.text
    assert await handle.result() == "succeeded"
    assert await locked_members(gym) == set()


async def test_run_now_and_the_thread_partials(gym: LocalStack) -> None:
    async with gym.browser_session(MANAGER[0]) as http:
        started = await http.post("/agents/payment_reminders/run", data={"dry_run": "true"}, headers=HX)
        assert started.status_code == 200 and "Dry run started" in started.text

        async def finished() -> AgentRun | None:
            async with gym.db.session() as session:
                latest = await agent_runs_store.runs(session, "payment_reminders", 1)
            return latest[0] if latest and latest[0].status == "succeeded" else None

        run = await wait_for(finished, 30, "the dry run")
        ref = quote(run.id, safe="")
        new = await http.get("/agents/feed/new", params={"run_id": run.id, "agent": "payment_reminders"})
        assert new.status_code == 200 and f'id="thread-{run.id}"' in new.text
        other = await http.get("/agents/feed/new", params={"run_id": run.id, "agent": "past_due_monitor"})
        assert other.status_code == 204
        everything = await http.get(f"/runs/{ref}/events")
        later = await http.get(f"/runs/{ref}/events", params={"after": 2})
        assert everything.text.count('class="ev ') == run.seq and later.text.count('class="ev ') == run.seq - 2
        head = await http.get(f"/runs/{ref}/head")
        assert "Succeeded" in head.text and "Offline planner" in head.text and "dry run" in head.text
        details = await http.get("/agents/payment_reminders/details")
        assert "Execution history" in details.text and "get_past_due_members" in details.text
        assert (await http.get(f"/runs/{ref}")).status_code == 200


async def test_pause_and_resume_with_and_without_a_schedule(gym: LocalStack) -> None:
    agent_id = "collections_referral"  # weekly: its schedule will not fire during the tests
    handle = gym.client.get_schedule_handle(ids.agent_schedule(agent_id))
    try:
        await handle.delete()  # tests run without schedules unless another test created them
        existed = True
    except RPCError:
        existed = False
    try:
        async with gym.browser_session(MANAGER[0]) as http:
            missing = await http.post(f"/agents/{agent_id}/pause", data={"view": "row"}, headers=HX)
            assert missing.status_code == 409 and "no Temporal schedule" in missing.text
            assert missing.text.lstrip().startswith("<tr")  # the command center's row, with the reason
            assert ">unknown<" in (await http.get(f"/agents/{agent_id}/card")).text
            async with gym.db.session() as session:
                agent = await session.get(Agent, agent_id)
            await gym.client.create_schedule(ids.agent_schedule(agent_id), schedule_for(agent, gym.settings))
            assert "(in " in (await http.get(f"/agents/{agent_id}/card")).text  # the next run is known now
            paused = await http.post(f"/agents/{agent_id}/pause", data={"selected": "true"}, headers=HX)
            assert paused.status_code == 200 and "Paused." in paused.text and "▶ Resume" in paused.text
            assert "agent-card status-paused selected" in paused.text
            assert (await handle.describe()).schedule.state.paused
            resumed = await http.post(f"/agents/{agent_id}/resume", headers=HX)
            assert resumed.status_code == 200 and "Resumed." in resumed.text and "Pause" in resumed.text
            assert not (await handle.describe()).schedule.state.paused
    finally:
        if not existed:
            await handle.delete()


async def test_agent_settings_and_schedule_change(gym: LocalStack) -> None:
    async with gym.db.session() as session:
        before = await session.get(Agent, "daily_campaigns")
    assert before is not None
    original = {"max_iterations": str(before.max_iterations)}
    original |= {k: "true" for k in ("dry_run", "approval_required") if getattr(before, k)}
    async with gym.browser_session(MANAGER[0]) as http:
        bad = await http.post("/agents/daily_campaigns/settings", data={"max_iterations": "0"}, headers=HX)
        assert bad.status_code == 422 and "greater than or equal to 1" in bad.text
        saved = await http.post(
            "/agents/daily_campaigns/settings", data={"max_iterations": "7", "dry_run": "true"}, headers=HX
        )
        assert saved.status_code == 200 and "Saved" in saved.text
        async with gym.db.session() as session:
            agent = await session.get(Agent, "daily_campaigns")
        assert agent is not None and (agent.max_iterations, agent.dry_run, agent.approval_required) == (7, True, False)
        await http.post("/agents/daily_campaigns/settings", data=original, headers=HX)

        no_cron = await http.post("/agents/daily_campaigns/schedule", data={"kind": "cron", "cron": "6am"}, headers=HX)
        assert no_cron.status_code == 422 and "cron" in no_cron.text
        asked = await http.post(
            "/agents/daily_campaigns/schedule", data={"kind": "every", "every_minutes": "90"}, headers=HX
        )
        assert asked.status_code == 200 and "Approval requested" in asked.text

        async def schedule_approval() -> Approval | None:
            async with gym.db.session() as session:
                rows = await approvals_store.listing(session, "pending")
            return next((a for a in rows if a.workflow_kind == "schedule" and "Every 90 minutes" in a.title), None)

        approval = await wait_for(schedule_approval, 20, "the schedule change approval")
        queue = await http.get("/command/approvals")
        assert approval.title in html.unescape(queue.text) and "kind-schedule" in queue.text
        denied = await http.post(
            f"/approvals/{approval.id}/decide", data={"decision": "deny", "reason": "keep 6am"}, headers=HX
        )
        assert denied.status_code == 200 and "Denied." in denied.text
    assert await gym.client.get_workflow_handle(approval.workflow_id).result() == "denied"
    async with gym.db.session() as session:
        row = await session.get(Approval, approval.id)
        agent = await session.get(Agent, "daily_campaigns")
    assert row is not None and row.status == "denied"
    assert agent is not None and agent.schedule == before.schedule
    async with gym.browser_session(OPERATOR[0]) as http:
        refused = await http.post("/agents/daily_campaigns/run", headers=HX)
        assert refused.status_code == 403 and "needs the manager role" in refused.text


async def test_kill_switch_banner_on_every_page_and_budget(gym: LocalStack) -> None:
    async with gym.browser_session(MANAGER[0]) as http:
        try:
            silent = await http.post("/command/kill-switch", data={"on": "true", "reason": ""}, headers=HX)
            assert silent.status_code == 422 and "Say why" in silent.text
            on = await http.post("/command/kill-switch", data={"on": "true", "reason": "Audit <b>now</b>"}, headers=HX)
            assert on.status_code == 200 and "Kill switch ON" in on.text
            for path in ("/team", "/queue?csm=all", "/agents", "/command", "/suppression"):
                page = await http.get(path)
                assert 'id="kill-banner"' in page.text and 'hx-get="/ui/kill-banner"' in page.text, path
            banner = await http.get("/ui/kill-banner")
            assert "Kill switch is ON" in banner.text and "Audit &lt;b&gt;now&lt;/b&gt;" in banner.text
            async with gym.browser_session(gym.sandbox.data.csms[0].email) as csm:
                assert "Kill switch is ON" in (await csm.get("/ui/kill-banner")).text
        finally:
            off = await http.post("/command/kill-switch", data={"on": "false"}, headers=HX)
        assert off.status_code == 200 and "Kill switch is ON" not in (await http.get("/ui/kill-banner")).text

        invalid = await http.post("/command/budget", data={"usd": "lots"}, headers=HX)
        assert invalid.status_code == 422 and "Daily budget" in invalid.text
        try:
            saved = await http.post("/command/budget", data={"usd": "$5"}, headers=HX)
            assert saved.status_code == 200 and "of <b>$5.00</b>" in saved.text
        finally:
            cleared = await http.post("/command/budget", data={"clear": "true"}, headers=HX)
        assert "no budget set" in cleared.text


async def test_suppression_add_and_remove(gym: LocalStack) -> None:
    async with gym.browser_session(OPERATOR[0]) as http:
        page = await http.get("/suppression")
        assert "Add a contact" not in page.text and "Read-only" in page.text
        refused = await http.post("/suppression", data={"contact": "+1 555 010 0199"}, headers=HX)
        assert refused.status_code == 403
    async with gym.browser_session(MANAGER[0]) as http:
        added = await http.post(
            "/suppression", data={"contact": "+1 (555) 010-0199", "channel": "sms", "reason": "asked"}, headers=HX
        )
        assert added.status_code == 200 and "Added +15550100199 (sms)." in added.text
        again = await http.post("/suppression", data={"contact": "555 010 0199", "channel": "sms"}, headers=HX)
        assert "already suppressed" in again.text
        short = await http.post("/suppression", data={"contact": "+1"}, headers=HX)
        assert short.status_code == 422 and "at least 3 characters" in short.text
        words = await http.post("/suppression", data={"contact": "hello there"}, headers=HX)
        assert words.status_code == 422 and "neither an email address nor a phone number" in words.text
        api = await http.post("/admin/suppression", json={"contact": "hello there", "channel": "sms"})
        assert api.status_code == 422 and "neither an email address nor a phone number" in api.text
        async with gym.db.session() as session:
            entry = next(r for r in await suppression.listing(session) if r.contact == "+15550100199")
        removed = await http.delete(f"/suppression/{entry.id}", headers=HX)
        assert removed.status_code == 200 and "+15550100199" not in removed.text
        gone = await http.delete(f"/suppression/{entry.id}", headers=HX)
        assert gone.status_code == 404 and "no such entry" in gone.text


@pytest.fixture
async def hostile_run(gym: LocalStack) -> AsyncIterator[tuple[str, str]]:
    """A run, its thread, an approval and a notification full of markup, as a model or a member could write it."""
    run_id, approval_id = f"agent-run-xss-{uuid.uuid4().hex[:8]}", f"apr-x{uuid.uuid4().hex[:7]}"
    now = datetime.now(UTC)
    script, img = "<script>alert('run')</script>", "<img src=x onerror=alert(1)>"
    events = [
        ("notification", script, {"planner": script}),
        ("thinking", "AI decision", {"planner": "Offline planner"}),
        ("tool_result", f"Found {img}", {"ok": True, "columns": ["name"], "preview": [[img]], "total_rows": 1}),
        ("approval_request", script, {"approval_id": approval_id, "items": 1, "expires_at": now.isoformat()}),
        ("would_do", script, {"items": [{"id": "M1", "label": img, "detail": script}], "policy": "approve"}),
        ("summary", script, {}),
    ]
    run = AgentRun(id=run_id, agent_id="past_due_monitor", trigger="manual", status="succeeded", dry_run=False)
    run.planner, run.summary, run.tools_used, run.seq = script, script, [], len(events)
    approval = Approval(id=approval_id, workflow_id=run_id, workflow_kind="campaign", action="lock_door_access")
    approval.title, approval.summary, approval.reason, approval.editable = script, img, script, {"body": script}
    approval.items = [{"id": "M1", "label": img, "detail": script}]
    approval.status, approval.decided_by, approval.decided_at = "denied", script, now
    approval.expires_at, approval.decision = now + timedelta(hours=1), {"reason": script, "approved_ids": []}
    async with gym.db.transaction() as session:
        session.add_all([run, approval])
        for seq, (kind, title, data) in enumerate(events, 1):
            session.add(RunEvent(run_id=run_id, seq=seq, kind=kind, title=title, body=script, data=data))
        session.add(Notification(kind="approval", title=script, body=img, link="javascript:alert(1)", ref=run_id))
    yield run_id, approval_id
    async with gym.db.transaction() as session:
        for column, value in (
            (RunEvent.run_id, run_id),
            (AgentRun.id, run_id),
            (Approval.id, approval_id),
            (Notification.ref, run_id),
        ):
            await session.execute(delete(column.class_).where(column == value))


async def test_untrusted_text_is_escaped_everywhere(gym: LocalStack, hostile_run: tuple[str, str]) -> None:
    run_id, approval_id = hostile_run
    async with gym.browser_session(MANAGER[0]) as http:
        for path in (
            "/agents?agent=past_due_monitor",
            f"/runs/{run_id}",
            f"/runs/{run_id}/events",
            "/command",
            "/approvals?status=all",
            f"/approvals/{approval_id}",
            "/ui/bell",
        ):
            text = (await http.get(path)).text
            assert "<script>alert" not in text and "<img src=x" not in text, path
            assert "&lt;script&gt;alert" in text or "&lt;img src=x" in text, path
            assert "javascript:alert" not in text, path
