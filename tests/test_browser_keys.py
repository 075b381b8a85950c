"""Keyboard navigation on the queue, approvals and inbox, as on the agents page: j / k move, Enter opens,
? shows the keys (static/js/keys.js)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from contracts import ids
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.inbox_helpers import a_member, start_sync, stored, write_in
from tests.stack import LocalStack

pytestmark = pytest.mark.browser


async def test_j_k_enter_and_help_on_queue_approvals_and_inbox(stack: LocalStack) -> None:
    key = stack.healthy_account(14)
    stack.set_account(key, renewal_in_days=25, arr=80_000.0)
    assert (await stack.post_signal(key, risk=72)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    await stack.wait_projection(wf_id)
    await start_sync(stack)
    member = await a_member(stack)
    conv = (await stored(stack, await write_in(stack, member.id, "Do you have a sauna?"))).conversation_id

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/queue?csm=all")
        cards = page.locator("#queue .qcard")
        await page.keyboard.press("j")
        await expect(cards.first).to_have_class(re.compile(r"\bkb-current\b"))
        await expect(cards.first).to_be_focused()
        if await cards.count() > 1:
            await page.keyboard.press("j")
            await expect(cards.nth(1)).to_have_class(re.compile(r"\bkb-current\b"))
            await page.keyboard.press("k")
            await expect(cards.first).to_have_class(re.compile(r"\bkb-current\b"))
        await page.keyboard.press("?")
        await expect(page.locator("#keys-help")).to_be_visible()
        await page.keyboard.press("Escape")
        await expect(page.locator("#keys-help")).to_be_hidden()
        target = await cards.first.locator("a.customer").get_attribute("href")
        await page.keyboard.press("Enter")
        await expect(page).to_have_url(f"{stack.api_url}{target}")

        await page.goto(f"{stack.api_url}/approvals?status=all")
        await page.keyboard.press("?")
        await expect(page.locator("#keys-help")).to_contain_text("Next / previous approval")
        await page.keyboard.press("Escape")

        await page.goto(f"{stack.api_url}/inbox")
        await page.keyboard.press("j")
        first = page.locator("#inbox-list .ib-row").first
        await expect(first).to_have_class(re.compile(r"\bkb-current\b"))
        await page.locator("#inbox-q").fill(member.name)  # typing: j is a letter, not a move
        await expect(page.locator("#inbox-q")).to_have_value(member.name)
        await page.locator("#inbox-q").blur()
        row = page.locator(f"#conv-{conv}")
        await expect(page.locator("#inbox-list .ib-row").first).to_have_id(f"conv-{conv}")  # the search applied
        await page.keyboard.press("k")  # up to the first row, the conversation searched for
        await expect(row).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(page.locator(f'#inbox-thread .ib-thread[data-conversation="{conv}"]')).to_be_visible()
        await expect(page.locator(".ib-member h3")).to_have_text("Member")  # the member panel beside it
        await page.set_viewport_size({"width": 1440, "height": 900})
        await screenshot(page, "inbox-member-1440")
        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await phone.goto(f"{stack.api_url}/inbox?c={conv}")
        await expect(phone.locator(".ib-member h3")).to_have_text("Member")
        assert await phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        await screenshot(phone, "inbox-member-390")
