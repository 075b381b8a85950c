"""A manager watches a new lead arrive in the pipeline and the journey counts grow
live (no reload), reads the welcome series as a diagram with its funnel, runs a
dry run in the browser, and every journey page fits a phone."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Page, expect

from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import ARTIFACTS, chromium, login, screenshot
from tests.journey_helpers import new_lead, speed_up
from tests.stack import LocalStack

pytestmark = pytest.mark.browser


async def live_page(page: Page, base_url: str, path: str) -> None:
    await page.goto(f"{base_url}{path}")
    await page.wait_for_selector("body[data-live-state=open]")
    await page.evaluate("window.notReloaded = true")


async def test_new_lead_live_in_pipeline_then_diagram_funnel_and_dry_run(stack: LocalStack) -> None:
    await speed_up(stack)
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)

        await live_page(page, stack.api_url, "/journeys")
        welcome = page.locator("#journey-row-welcome-series [data-count=enrolled]")
        before = int(await welcome.inner_text())
        await live_page(page, stack.api_url, "/pipeline")
        surname = f"Browser-{uuid.uuid4().hex[:4]}"
        lead_id = (await new_lead(stack, first_name="Avery", last_name=surname, source="web form"))["lead_id"]
        card = page.locator(f"#lead-{lead_id}")
        await expect(card).to_be_visible()
        await expect(card.locator(".lead-name")).to_have_text(f"Avery {surname}")
        await expect(card).to_contain_text("Welcome Series")  # its journey and current step
        assert await page.evaluate("window.notReloaded === true")
        await screenshot(page, "journeys-pipeline-live")

        await card.locator(".lead-name").click()
        await expect(page.locator("h1.lead-title")).to_have_text(f"Avery {surname}")
        await expect(page.locator("#enrollment-welcome-series")).to_be_visible()
        await expect(page.locator(".tl-message").first).to_be_visible()  # the welcome email, live
        await screenshot(page, "journeys-lead")

        await live_page(page, stack.api_url, "/journeys")
        another = (await new_lead(stack, first_name="Blake"))["lead_id"]
        assert another
        await expect(welcome).to_have_text(str(before + 2))  # both leads, counted live
        assert await page.evaluate("window.notReloaded === true")
        await screenshot(page, "journeys-list")

        await page.locator("a.journey-name", has_text="Welcome Series").click()
        diagram = page.locator("#journey-diagram")
        await expect(diagram.locator(".node")).to_have_count(11)  # entry, 9 steps, end
        branch = diagram.locator("#step-did-they-open")
        await expect(branch.locator(".edge")).to_have_count(2)
        await expect(branch.locator(".edge").last).to_contain_text("Otherwise → 4. sms-nudge")
        funnel = page.locator("#journey-analytics")
        reached = funnel.locator("#funnel-welcome-email [data-metric=reached]")
        await expect(reached).not_to_have_text("0")
        assert int(await reached.inner_text()) >= 2
        await screenshot(page, "journey-diagram-funnel")

        form = page.locator("#journey-dry-run form")
        await form.locator("select[name=event_type_0]").select_option("opened")
        await form.locator("input[name=event_after_0]").fill("3h")
        await form.get_by_role("button", name="Run the dry run").click()
        result = page.locator("#dry-run-result")
        await expect(result).to_contain_text("Outcome: completed")
        await expect(result).to_contain_text("go to wait-for-day-5")
        await expect(diagram.locator("#step-did-they-open")).to_have_class("node node-branch visited")
        await expect(diagram.locator("#step-sms-nudge")).to_have_class("node node-send unvisited")
        await expect(diagram.locator(".edge.taken")).to_contain_text("wait-for-day-5")
        await result.scroll_into_view_if_needed()
        await screenshot(page, "journey-dry-run")

        await form.locator("input[name=event_after_0]").fill("soon")
        await form.get_by_role("button", name="Run the dry run").click()
        await expect(result.locator(".flash.error")).to_contain_text("event row 0")

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        for path, name in (
            ("/journeys", "journeys-phone-list"),
            ("/journeys/welcome-series", "journey-phone"),
            ("/journeys/high-intent-fast-track?version=1", None),
            ("/pipeline", "journeys-phone-pipeline"),
            (f"/leads/{lead_id}", "journeys-phone-lead"),
        ):
            await phone.goto(f"{stack.api_url}{path}")
            await phone.wait_for_load_state("networkidle")
            overflow = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} overflows by {overflow}px at 390px"
            if name:
                await screenshot(phone, name)
        await phone.screenshot(path=ARTIFACTS / "journey-phone-top.png")
