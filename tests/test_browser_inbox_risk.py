"""Issue 14's "done when", in headless Chromium: a club that never chose a mode is in suggest mode; a manager
reads the assistant's evaluation beside the switch and turns auto-pilot on; an injury, harassment and a triple
charge are escalated with their flags (the injury alerts managers on the bell), shown on the conversation, in the
inbox's Escalated view and on the approvals page; "what time does spin start on Tuesday?" is still answered by
the AI. At 1440 px and at 390 px, without horizontal overflow."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import delete

from db import control
from db.models import ControlSetting
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import ARTIFACTS, chromium, login, screenshot
from tests.inbox_helpers import a_member, sent_to, start_sync, write_in
from tests.stack import LocalStack

pytestmark = pytest.mark.browser

INJURY = "I slipped on the wet floor by the showers and hit my head pretty hard. Is someone there to look at it?"
HARASSMENT = "One of your trainers keeps making comments about my body and it makes me uncomfortable"
CHARGES = "My card was charged three times this month, fix it"
SPIN = "what time does spin start on Tuesday?"


async def no_overflow(page: Page, what: str) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{what} overflows by {overflow}px"


async def test_auto_pilot_answers_what_is_safe_and_hands_over_what_is_not(stack: LocalStack) -> None:
    await start_sync(stack)
    await stack.sandbox_admin("PUT", "/_sandbox/clubos/push", json={"enabled": True, "drop_rate": 0, "drop_next": 0})
    async with stack.db.transaction() as session:  # a club that never chose: the default applies
        await session.execute(delete(ControlSetting).where(ControlSetting.key == control.INBOX_MODE))
    members = [await a_member(stack) for _ in range(4)]
    convs = [f"CV{m.id.removeprefix('M')}" for m in members]

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/inbox")
        await page.wait_for_selector("body[data-live-state=open]")
        controls = page.locator("#inbox-controls")
        await expect(controls.get_by_role("button", name="Suggest")).to_have_attribute("aria-pressed", "true")
        evaluation = controls.locator(".ib-eval")
        await expect(evaluation).to_contain_text("0 unsafe auto-replies")
        await expect(evaluation).to_contain_text("safe messages answered")
        await evaluation.locator("summary").click()
        await expect(evaluation.locator(".ib-eval-table")).to_have_count(2)
        await expect(evaluation).to_contain_text("Held-out part")
        await screenshot(page, "inbox-suggest-mode-evaluation")

        page.once("dialog", lambda dialog: dialog.accept())  # "Turn on auto-pilot? ... answered 87% ..."
        await controls.get_by_role("button", name="Auto-pilot").click()
        await expect(page.locator("#inbox-controls").get_by_role("button", name="Auto-pilot")).to_have_attribute(
            "aria-pressed", "true"
        )

        for member, text in zip(members, (INJURY, HARASSMENT, CHARGES, SPIN), strict=True):
            await write_in(stack, member.id, text)
        injury_row, harassment_row, charges_row, spin_row = (page.locator(f"#conv-{c}") for c in convs)
        await expect(injury_row.locator(".ib-badge.flag")).to_contain_text("Safety or injury")
        await expect(harassment_row.locator(".ib-badge.flag")).to_contain_text("Harassment")
        await expect(charges_row.locator(".ib-badge.flag")).to_contain_text("Billing dispute")
        await expect(spin_row.locator(".ib-preview")).to_contain_text("7am Spin")

        await injury_row.click()
        message = page.locator("#inbox-thread .ib-msg.in").last
        await expect(message.locator(".ib-ai")).to_contain_text("Escalated to staff")
        await expect(message.locator(".ib-badge.flag.urgent")).to_contain_text("Safety or injury")
        await expect(message.locator(".ib-alerted")).to_have_text("Managers alerted")
        await expect(message.locator(".ib-reason")).to_contain_text("a person must handle this")
        await expect(page.locator(".bell-btn .nav-badge")).to_be_visible()
        await page.evaluate("window.scrollTo(0, 0)")
        await screenshot(page, "inbox-injury-escalated")
        await page.locator(".bell-btn").click()
        alert = page.locator(".bell-menu .note-alert").first
        await expect(alert).to_contain_text(f"{members[0].name} reports safety or injury")
        await expect(alert).to_contain_text("slipped on the wet floor")
        await page.screenshot(path=str(ARTIFACTS / "inbox-injury-bell.png"))
        # Escape closes the bell whatever its live refresh is doing; a second click on a summary being
        # swapped can be lost, and the open menu would take the next click.
        await page.keyboard.press("Escape")
        await expect(page.locator("#bell[open]")).to_have_count(0)

        # Opened by its address: a click on a row the live feed is re-rendering at that moment can be lost
        # (clicking rows is covered by test_browser_inbox.py); what matters here is how the message was handled.
        await page.goto(f"{stack.api_url}/inbox?c={convs[3]}")
        answered = page.locator("#inbox-thread .ib-msg.in").last
        await expect(answered.locator(".ib-ai")).to_contain_text("Answered by AI")
        await expect(page.locator("#inbox-thread .ib-msg.from-ai").last).to_contain_text(
            "Tuesday and Thursday 7am Spin"
        )

        await page.get_by_text("Escalated", exact=True).click()
        await expect(injury_row).to_be_visible()
        await expect(harassment_row).to_be_visible()
        await expect(spin_row).to_have_count(0)
        await expect(page).to_have_url(f"{stack.api_url}/inbox?view=escalated&c={convs[3]}")

        await page.goto(f"{stack.api_url}/approvals")
        escalations = page.locator(".ib-escalations")
        for text in (INJURY[:40], HARASSMENT[:40], CHARGES[:40]):
            await expect(escalations.locator(".ib-escalation", has_text=text)).to_be_visible()
        await expect(escalations.locator(".ib-escalation.flagged").first.locator(".ib-badge.flag")).to_be_visible()
        await screenshot(page, "approvals-escalations")

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        for path, name in (
            ("/inbox", "inbox-phone-evaluation"),
            (f"/inbox?c={convs[0]}", "inbox-phone-injury"),
            ("/approvals", "approvals-phone-escalations"),
        ):
            await phone.goto(f"{stack.api_url}{path}")
            await phone.wait_for_load_state("networkidle")
            if path == "/inbox":
                await phone.locator(".ib-eval summary").click()
            await no_overflow(phone, path)
            await screenshot(phone, name)

    for member in members[:3]:
        assert await sent_to(stack, member.id) == []
    assert len(await sent_to(stack, members[3].id)) == 1
