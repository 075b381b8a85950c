"""The live feed loses no event to a refresh already under way: an element's refresh is held with the answer it
had when it went out, a newer event reaches the page meanwhile, then the stale answer lands; the element must
still end up showing the newer state."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from playwright.async_api import Page, Route, expect

from db import agent_runs_store
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import ROUND_TRIP_MS, chromium, login
from tests.campaign_helpers import fresh_gym
from tests.stack import LocalStack

pytestmark = pytest.mark.browser

AGENT = "past_due_monitor"


class StaleAnswer:
    """Holds the first request it routes: fetches its answer at once (the state before the next event), and hands
    it to the page only when released."""

    def __init__(self) -> None:
        self.held, self.release, self.seen = asyncio.Event(), asyncio.Event(), 0

    async def __call__(self, route: Route) -> None:
        self.seen += 1
        if self.seen > 1:
            await route.continue_()
            return
        answer = await route.fetch()
        self.held.set()
        await self.release.wait()
        await route.fulfill(response=answer)


async def count_live_events(page: Page, selector: str) -> None:
    """window.lives: how many live events the page fired at the element."""
    await page.evaluate(
        "s => { window.lives = 0; document.addEventListener('live', e => { if (e.target.matches(s)) lives++ }) }",
        selector,
    )


async def run_status(stack: LocalStack, run_id: str, status: str, seq: int) -> None:
    now = datetime.now(UTC)
    async with stack.db.transaction() as session:
        await agent_runs_store.upsert_run(
            session,
            {
                "id": run_id,
                "agent_id": AGENT,
                "trigger": "manual",
                "status": status,
                "planner": "test",
                "dry_run": True,
                "tools_used": [],
                "started_at": now,
                "finished_at": now if status == "succeeded" else None,
                "duration_s": 0.0 if status == "succeeded" else None,
                "seq": seq,
            },
        )


async def test_an_event_landing_while_a_replacing_refresh_is_out_is_not_lost(stack: LocalStack) -> None:
    # The agent card refreshes itself (outerHTML, after a 250 ms delay): an event that lands while its request is
    # out starts a delay on the card about to be replaced, which htmx forgets with it.
    await fresh_gym(stack)
    run_id = f"agent-run-{AGENT}-live-{uuid.uuid4().hex[:8]}"
    stale = StaleAnswer()
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/agents")
        await page.wait_for_selector("body[data-live-state=open]")
        await page.route(f"**/agents/{AGENT}/card*", stale)
        await count_live_events(page, f"#agent-{AGENT}")

        await run_status(stack, run_id, "running", seq=1)
        await asyncio.wait_for(stale.held.wait(), ROUND_TRIP_MS / 1000)
        await run_status(stack, run_id, "succeeded", seq=2)
        await page.wait_for_function("() => window.lives >= 2")
        stale.release.set()

        await expect(page.locator(f"#agent-{AGENT} .facts")).to_contain_text("Succeeded")
