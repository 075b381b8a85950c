"""A manager builds a new three-step journey on the canvas without touching YAML (a drag from the
palette, then the keyboard path), edits each step in the side panel, sees a problem on the step it
concerns, publishes, dry-runs it and sees the path highlighted; an existing journey opens with its
branch in the condition builder; the builder fits a phone without a page-wide scroll."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Page, expect

from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.journey_helpers import speed_up
from tests.stack import LocalStack
from tests.test_browser_security import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser


async def ready(page: Page) -> None:
    await expect(page.locator("#journey-builder[data-ready=true]")).to_be_attached()


async def add_by_keyboard(page: Page, kind: str) -> None:
    await page.locator(f".jb-tool[data-kind={kind}]").focus()
    await page.keyboard.press("Enter")


async def test_build_publish_and_dry_run_a_journey_on_the_canvas(stack: LocalStack) -> None:
    await speed_up(stack)
    journey_id = f"canvas-{uuid.uuid4().hex[:6]}"
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 1000})
        await page.add_init_script(RECORD_VIOLATIONS)  # the builder runs under the CSP: no eval, no inline code
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/journeys")
        await page.locator("#new-journey").click()
        await ready(page)
        panel = page.locator("#jb-panel")
        await panel.locator("input[name=journey_id]").fill(journey_id)
        await panel.locator("input[name=journey_name]").fill("Canvas trial")

        # 1. drag a send step from the palette onto the canvas
        await page.locator(".jb-tool[data-kind=send]").drag_to(page.locator("#jb-scroll"))
        nodes = page.locator("#jb-svg .jb-node[data-step^=send], #jb-svg .jb-node[data-step^=wait]")
        await expect(nodes).to_have_count(1)
        await expect(panel.locator("h3")).to_have_text("Step 1 · Send message")
        await panel.locator("input[name=subject]").fill("Welcome aboard, {first_name}")
        await panel.locator("textarea[name=body]").fill("Hi ")
        await panel.get_by_role("button", name="{booking_link}").click()  # a lead field, inserted at the cursor
        await expect(panel.locator("textarea[name=body]")).to_have_value("Hi {booking_link}")

        # 2 and 3. the keyboard path: a palette button adds after the selected step
        await add_by_keyboard(page, "wait")
        await expect(panel.locator("h3")).to_have_text("Step 2 · Wait")
        await panel.locator("input[name=duration]").fill("soon")
        bad = page.locator("#jb-svg .jb-node.invalid")
        await expect(bad).to_have_count(1)
        await expect(panel.locator(".jb-step-problems")).to_contain_text("Step 2 (wait-1): duration")
        await expect(page.locator("#jb-valid")).to_have_text("1 problem to fix before publishing")
        await expect(panel.locator(".jb-step-problems")).to_contain_text("is not a duration like 30s, 15m")
        await screenshot(page, "journey-builder-problem-1440")
        await panel.locator("input[name=duration]").fill("2d")
        await expect(bad).to_have_count(0)
        await add_by_keyboard(page, "send")
        await expect(panel.locator("h3")).to_have_text("Step 3 · Send message")
        await panel.locator("select[name=channel]").select_option("sms")
        await panel.locator("textarea[name=body]").fill("Still keen, {first_name}? Reply YES.")
        await expect(nodes).to_have_count(3)
        await expect(page.locator("#jb-valid")).to_have_text("Valid: ready to publish")
        yaml_text = page.locator("#jb-yaml")
        await expect(yaml_text).to_contain_text("  - id: wait-1\n    type: wait\n    duration: 2d\n")

        await page.get_by_role("button", name="Publish from the canvas").click()
        await expect(page.locator("#jb-publish-result")).to_contain_text("Published version 1 and made it active")
        await page.wait_for_function(f"() => location.pathname === '/journeys/{journey_id}/builder'")

        await page.get_by_role("button", name="Run the dry run").click()
        await expect(page.locator("#jb-dry-result")).to_contain_text("Outcome: completed")
        await expect(page.locator("#jb-svg .jb-node.visited")).to_have_count(3)
        await expect(page.locator("#jb-svg .jb-edge.taken")).to_have_count(3)  # entry → 1 → 2 → 3
        await screenshot(page, "journey-builder-1440")

        journey = await page.request.get(f"{stack.api_url}/api/journeys/{journey_id}")
        assert journey.ok
        assert (await journey.json())["source"].startswith(f"id: {journey_id}\nname: Canvas trial\n")

        # an existing journey: its branch opens in the condition builder, with nested groups
        await page.goto(f"{stack.api_url}/journeys/welcome-series/builder")
        await ready(page)
        await expect(page.locator("#jb-version option")).not_to_have_count(0)  # any published version can be loaded
        branch = page.locator("#jb-svg .jb-node[data-step=did-they-open]")
        await branch.focus()
        await page.keyboard.press("Enter")
        await expect(panel.locator("h3")).to_have_text("Step 3 · Branch")
        await expect(panel.locator(".jb-condition")).to_have_count(3)
        await panel.get_by_role("button", name="+ Nested group").first.click()
        await expect(panel.locator(".jb-group.depth-1")).to_have_count(1)
        await expect(page.locator("#jb-valid")).to_have_text("Valid: ready to publish")
        await screenshot(page, "journey-builder-branch-1440")

        # the keyboard path for delete and connect: what led to a deleted step goes to its successor
        await page.locator("#jb-svg .jb-node[data-step=sms-nudge]").focus()
        await page.keyboard.press("Delete")
        await expect(page.locator("#jb-svg .jb-node[data-step=sms-nudge]")).to_have_count(0)
        await expect(yaml_text).to_contain_text("    default: wait-for-day-5\n")
        await page.locator("#jb-svg .jb-node[data-step=special-offer]").focus()
        await page.keyboard.press("c")
        await page.locator("#jb-svg .jb-node[data-step=end]").focus()
        await page.keyboard.press("Enter")
        await expect(yaml_text).to_contain_text('    body: "Hi {first_name}, join {club} this week')
        await expect(yaml_text).to_contain_text('{booking_link}"\n    next: end\n  - id: mark-nurtured')
        await expect(page.locator("#jb-status")).to_contain_text("Step 7 now goes to end")
        assert await page.evaluate("window.__cspViolations") == []

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        for path in (f"/journeys/{journey_id}/builder", "/journeys/welcome-series/builder"):
            await phone.goto(f"{stack.api_url}{path}")
            await ready(phone)
            overflow = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} overflows by {overflow}px at 390px"
        await screenshot(phone, "journey-builder-390")
