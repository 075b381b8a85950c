"""START after STOP, in the browser: the member is opted out, writes START, and the open conversation shows
the opt-in and its one confirmation live; the member panel says SMS is subscribed again."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from db import control
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.inbox_helpers import a_member, decision, sent_to, start_sync, stored, write_in
from tests.stack import LocalStack

pytestmark = pytest.mark.browser


async def test_start_after_stop_resubscribes_with_one_confirmation(stack: LocalStack) -> None:
    await start_sync(stack)
    await stack.sandbox_admin("PUT", "/_sandbox/clubos/push", json={"enabled": True, "drop_rate": 0, "drop_next": 0})
    async with stack.db.transaction() as session:
        await control.set_inbox_mode(session, "auto", "tests")
    member = await a_member(stack)
    stop = await write_in(stack, member.id, "STOP")
    conv = (await stored(stack, stop)).conversation_id
    await decision(stack, stop)

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/inbox?c={conv}")
        panel = page.locator(".ib-member")
        await expect(panel.locator(".ib-optouts li").first).to_contain_text("opted out")
        await page.wait_for_selector("body[data-live-state=open]")

        await write_in(stack, member.id, "START")
        thread = page.locator("#inbox-thread")
        await expect(thread.locator(".ib-msg.in", has_text="START").locator(".ib-ai")).to_contain_text("Opted back in")
        await expect(thread.locator(".ib-msg.from-ai").last.locator(".ib-sender")).to_have_text(
            "AI · opt-in confirmation"
        )
        await expect(panel.locator(".ib-optouts li").first).to_contain_text("subscribed")
        await expect(panel.locator(".ib-optouts li").first).not_to_contain_text("opted out")
        await screenshot(page, "inbox-start-after-stop")

    bodies = [m["body"] for m in await sent_to(stack, member.id)]
    assert len(bodies) == 2 and "unsubscribed" in bodies[0] and "subscribed again" in bodies[1]
