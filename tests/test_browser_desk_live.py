"""The live desk in the browser: a renewal escalated to Emergency moves to the top of its CSM's queue and of
the manager's Team without a reload, is marked as moved, and is announced with a toast to both; the CSM's
keyboard focus and scroll position survive the re-render; reassigned, it leaves the old owner's queue and
their part of Team. Cards at 1440 px, the table at 390 px."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import expect

from contracts import ids
from db import users
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import ARTIFACTS, chromium, login, screenshot
from tests.desk_helpers import clear, fill, live_open, no_sideways_scroll
from tests.stack import LocalStack

pytestmark = pytest.mark.browser
FOCUSED_LINK = "() => document.activeElement.matches('a.customer') && document.activeElement.text"


@pytest.fixture
async def fillers(stack: LocalStack) -> AsyncIterator[None]:
    yield
    await clear(stack)


@pytest.mark.parametrize(("index", "width", "view"), [(75, 1440, "cards"), (76, 390, "table")])
async def test_an_escalated_renewal_moves_live_with_focus_and_scroll_kept(
    stack: LocalStack, fillers: None, index: int, width: int, view: str
) -> None:
    key = stack.healthy_account(index)
    stack.set_account(key, renewal_in_days=5)
    assert (await stack.post_signal(key, risk=40)).status_code == 202  # 5 days, risk 40: Critical
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(wf_id, lambda r: r.stage == "Critical")
    csm = row.assigned_to
    async with stack.db.session() as session:
        team = await users.csms(session)
    csm_name = next(u.name for u in team if u.email == csm)
    others = await fill(stack, csm)
    item = ("card-" if view == "cards" else "row-") + wf_id
    items = "#queue .qcard" if view == "cards" else "#queue tr.qrow"
    urgent = "#urgent .qcard" if view == "cards" else "#urgent tr.qrow"
    size = {"width": width, "height": 900 if width > 400 else 844}

    async with chromium() as browser:
        page = await browser.new_page(viewport=size)
        await login(page, stack.api_url, csm, DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/queue?view={view}")
        await live_open(page)
        assert await page.locator(items).first.get_attribute("id") != item  # Emergencies are above it
        # Focus a control of the last filler and scroll the page: both must survive the re-render.
        last = page.locator(f"[id$='{others[-1]}'] a.customer")
        await last.focus()
        await page.evaluate("() => window.scrollTo(0, 240)")
        scrolled = await page.evaluate("() => window.scrollY")
        assert scrolled > 0

        manager = await browser.new_page(viewport=size)
        await login(manager, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await manager.goto(f"{stack.api_url}/team?view={view}&csm={csm}")
        await live_open(manager)

        assert (await stack.post_signal(key, risk=90)).status_code == 202  # the same date, now an Emergency
        await stack.wait_projection(wf_id, lambda r: r.stage == "Emergency")

        await expect(page.locator(items).first).to_have_attribute("id", item)
        await page.wait_for_function(f"() => (document.body.dataset.deskMoved || '').split(' ').includes('{item}')")
        await page.locator(f"[id='{item}']").screenshot(path=str(ARTIFACTS / f"desk-moved-{view}-{width}.png"))
        toast = page.locator("#flash .emergency-toast")
        await expect(toast).to_contain_text(f"New Emergency in your queue: {row.customer_name}")
        await page.wait_for_function("() => Number(document.body.dataset.deskRenders || 0) > 0")
        focused = await page.evaluate(FOCUSED_LINK)
        assert focused == f"Desk filler {len(others) - 1}"  # the same link of the same card, not the page
        assert await page.evaluate("() => window.scrollY") == scrolled
        if width < 400:
            await no_sideways_scroll(page)
        await screenshot(page, f"desk-live-queue-{view}-{width}")

        await expect(manager.locator(urgent).first).to_have_attribute("id", item)
        await expect(manager.locator("#flash .emergency-toast")).to_contain_text(
            f"New Emergency for {csm_name}: {row.customer_name}"
        )
        if width < 400:
            await no_sideways_scroll(manager)
        await screenshot(manager, f"desk-live-team-{view}-{width}")

        # Reassigned: it leaves the old owner's queue and their part of Team, live.
        to = next(u for u in team if u.email != csm)
        async with stack.browser_session(MANAGER[0]) as http:
            moved = await http.post(f"/api/workflows/{wf_id}/reassign", json={"to_email": to.email, "reason": "test"})
            assert moved.status_code == 200, moved.text
        await expect(page.locator(f"[id='{item}']")).to_have_count(0)
        await expect(manager.locator(f"[id='{item}']")).to_have_count(0)
        await expect(page.locator(items)).to_have_count(len(others))
