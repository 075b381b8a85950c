"""The renewal page redraws itself when the renewal changes elsewhere: a manager's reassign made from another
screen shows on an open page without a reload, and what the reader had opened stays open."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from db import users
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.desk_helpers import live_open, no_sideways_scroll
from tests.stack import LocalStack
from tests.test_renewal_workflow import new_renewal

pytestmark = pytest.mark.browser


async def test_an_open_renewal_page_follows_a_reassign_made_elsewhere(stack: LocalStack) -> None:
    _, wf_id, csm = await new_renewal(stack, 114, days=20, risk=60)
    async with stack.db.session() as session:
        team = await users.csms(session)
    owner = csm.email

    async with chromium() as browser:
        for width in (1440, 390):
            page = await browser.new_page(viewport={"width": width, "height": 900})
            await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
            await page.goto(f"{stack.api_url}/renewals/{wf_id}")
            await live_open(page)
            trail = page.locator(".trail details").first
            await trail.locator("summary").click()  # the reader opened the audit trail
            await expect(trail).to_have_attribute("open", "")

            to = next(u for u in team if u.email != owner)
            async with stack.browser_session(MANAGER[0]) as http:  # another screen: the JSON API
                moved = await http.post(
                    f"/api/workflows/{wf_id}/reassign", json={"to_email": to.email, "reason": "cover"}
                )
                assert moved.status_code == 200, moved.text
            await expect(page.locator(".rhead")).to_contain_text(f"CSM {to.name}")
            await expect(page.locator(".trail details").first).to_have_attribute("open", "")
            await expect(page.locator(".trail")).to_contain_text("cover")
            if width < 400:
                await no_sideways_scroll(page)
            await screenshot(page, f"renewal-live-{width}")
            owner = to.email  # the next round reassigns it on again
            await page.close()
