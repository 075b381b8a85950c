"""A manager runs the past-due monitor from the agents dashboard and decides its
approval in the browser, everything arriving live (no reload); the kill-switch
banner appears on another open page by itself; nothing overflows at phone width."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import ARTIFACTS, chromium, login, screenshot
from tests.campaign_helpers import fresh_gym, locked_members
from tests.stack import LocalStack

pytestmark = pytest.mark.browser


async def live_page(page: Page, base_url: str, path: str) -> None:
    await page.goto(f"{base_url}{path}")
    await page.wait_for_selector("body[data-live-state=open]")
    await page.evaluate("window.notReloaded = true")


async def test_run_now_then_approve_ten_of_34_live(stack: LocalStack) -> None:
    await fresh_gym(stack)
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await live_page(page, stack.api_url, "/agents")
        known = await page.eval_on_selector_all("#threads > .thread", "ts => ts.map(t => t.id)")

        await page.locator("#agent-past_due_monitor .run-now").click()
        thread = page.locator("#threads > .thread").first
        await expect(thread).not_to_have_id(known[0] if known else "")
        await expect(thread.locator(".thread-agent")).to_have_text("Past-Due Monitor")
        await expect(thread.locator(".ev-tool_result")).to_contain_text("past-due members")
        card = thread.locator(".approval")
        await expect(card.locator(".approval-title")).to_have_text("Lock door access for 34 members?")
        assert await thread.locator(".ev").count() >= 5  # notification, decision, call, result, ... grew live

        approval_id = await card.get_attribute("data-approval")
        await card.get_by_role("button", name="Review list").click()
        await card.get_by_role("button", name="Select none").click()
        boxes = card.locator("input[name=item]")
        assert await boxes.count() == 34
        details = await card.locator(".review-list li .muted").all_inner_texts()
        days = [int(d.split(", ")[1].split()[0]) for d in details]  # "$120.00, 45 days past due"
        assert days == sorted(days, reverse=True) and days[0] > days[-1]  # most severe first
        await card.locator("[data-worst]").fill("10")
        await card.get_by_role("button", name="Select", exact=True).click()
        chosen = [await boxes.nth(i).get_attribute("value") for i in range(10)]
        checked = await card.locator("input[name=item]:checked").evaluate_all("bs => bs.map(b => b.value)")
        assert checked == chosen  # the worst ten: the ten longest past due
        approve = card.get_by_role("button", name="Approve selected (10)")
        await expect(approve).to_be_enabled()
        await page.evaluate("window.scrollTo(0, 0)")  # sticky side panes at the top of the full-page shot
        await screenshot(page, "agents-approval-review")
        await approve.click()

        await expect(thread.locator(".approval .decided")).to_contain_text("10 of 34 approved")
        await expect(thread.locator(".ev-approval_decision")).to_contain_text("Partially approved")
        summary = thread.locator(".ev-summary")
        await expect(summary).to_contain_text("Run succeeded")
        await expect(thread.locator(".thread-head .st-succeeded")).to_be_visible()
        await expect(page.locator("#agent-past_due_monitor .facts")).to_contain_text("Succeeded")
        assert await page.evaluate("window.notReloaded === true")
        await page.evaluate("window.scrollTo(0, 0)")
        await screenshot(page, "agents-run-finished")

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await phone.goto(f"{stack.api_url}/agents?agent=past_due_monitor")
        await expect(phone.locator("#threads > .thread").first).to_be_visible()
        await phone.screenshot(path=ARTIFACTS / "agents-phone-feed.png")  # the viewport: tabs fixed at the bottom
        await phone.get_by_role("button", name="Workflows", exact=True).click()
        await expect(phone.locator("#pane-workflows")).to_be_visible()
        await expect(phone.locator("#pane-feed")).to_be_hidden()
        await phone.screenshot(path=ARTIFACTS / "agents-phone-workflows.png")
        for path in ("/agents", "/command", "/approvals?status=all", "/suppression", f"/approvals/{approval_id}"):
            await phone.goto(f"{stack.api_url}{path}")
            await phone.wait_for_load_state("networkidle")
            overflow = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} overflows by {overflow}px at 390px"
        await screenshot(phone, "approval-phone")

    assert await locked_members(stack) == set(chosen)


async def test_kill_switch_banner_appears_live_on_other_pages(stack: LocalStack) -> None:
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        command = await context.new_page()
        await login(command, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        other = await context.new_page()  # same session, another tab
        await live_page(other, stack.api_url, "/queue?csm=all")
        await live_page(command, stack.api_url, "/command")
        controls = command.locator("#command-controls")
        await controls.locator("input[name=reason]").fill("Checking a complaint")
        command.once("dialog", lambda dialog: dialog.accept())
        await controls.get_by_role("button", name="Stop all agents").click()
        try:
            await expect(controls.locator(".kill-state.on")).to_contain_text("Checking a complaint")
            await expect(other.locator(".kill-banner")).to_contain_text("Kill switch is ON")
            await expect(command.locator(".kill-banner")).to_be_visible()
            await screenshot(command, "command-kill-switch-on")
            await screenshot(other, "queue-kill-banner")
        finally:
            command.once("dialog", lambda dialog: dialog.accept())
            await controls.get_by_role("button", name="Turn off the kill switch").click()
        await expect(other.locator(".kill-banner")).to_have_count(0)
        assert await other.evaluate("window.notReloaded === true")
