"""Fits a phone and a wide screen: every dashboard page, as a manager and as a CSM, at 390 px does not scroll
sideways; the header is one row at 1280 px and wider, and on a phone a compact bar whose menu button opens
the nav; a skip link is the first stop of the keyboard and focus is visible."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from contracts import ids
from db.models import AgentRun, Approval, InboxConversation, Journey, Lead
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.stack import LocalStack

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`).slice(0, 8).join(" ")"""


async def overflow(page: Page, path: str) -> str:
    """Empty when the page fits; else what sticks out (for the failure message)."""
    await page.goto(path)
    await page.wait_for_load_state("networkidle")
    if await page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"):
        return ""
    return f"{path}: {await page.evaluate(WIDEST)}"


async def detail_pages(stack: LocalStack) -> list[str]:
    """One of each detail page the stack has data for (journeys, runs, approvals, leads, conversations)."""
    async with stack.db.session() as session:
        found = {
            "/journeys/": await session.scalar(select(Journey.id).limit(1)),
            "/runs/": await session.scalar(select(AgentRun.id).limit(1)),
            "/approvals/": await session.scalar(select(Approval.id).limit(1)),
            "/leads/": await session.scalar(select(Lead.id).limit(1)),
            "/inbox?c=": await session.scalar(select(InboxConversation.id).limit(1)),
        }
    return [f"{prefix}{value}" for prefix, value in found.items() if value is not None]


async def test_no_page_scrolls_sideways_on_a_phone_and_the_header_fits(stack: LocalStack) -> None:
    key = stack.healthy_account(51)
    stack.set_account(key, renewal_in_days=20, arr=90_000.0)
    assert (await stack.post_signal(key, risk=70)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(wf_id)
    manager_pages = [
        "/home", "/team", "/queue?csm=all", "/queue", "/analytics", "/agents", "/command", "/approvals",
        "/approvals?status=all", "/suppression", "/inbox", "/journeys", "/pipeline", f"/renewals/{wf_id}",
        f"/customers/{key}", *await detail_pages(stack),
    ]  # fmt: skip
    csm_pages = ["/queue", f"/renewals/{wf_id}", f"/customers/{key}"]

    async with chromium() as browser:
        wide = await browser.new_page(viewport={"width": 1280, "height": 800})
        await login(wide, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await wide.goto(f"{stack.api_url}/team")
        links = await wide.locator(".topbar .nav a").evaluate_all("as => as.map(a => a.getBoundingClientRect().top)")
        assert len(set(round(t) for t in links)) == 1, "the nav wraps at 1280px"
        assert (await wide.locator(".topbar").bounding_box() or {"height": 999})["height"] <= 64
        assert await wide.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        await expect(wide.locator(".menu-btn")).to_be_hidden()
        await wide.keyboard.press("Tab")  # the first stop: skip to content, visible when focused
        skip = wide.locator(".skip-link")
        await expect(skip).to_be_focused()
        assert (await skip.bounding_box() or {"y": -1})["y"] >= 0
        await wide.keyboard.press("Enter")
        await expect(wide.locator("main#main")).to_be_focused()
        await wide.keyboard.press("Tab")
        outline = await wide.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none"), "focus is not visible"
        await wide.set_viewport_size({"width": 1440, "height": 900})
        for path, name in (("/team", "team-1440"), (f"/renewals/{wf_id}", "renewal-1440")):
            await wide.goto(f"{stack.api_url}{path}")
            await screenshot(wide, name)

        phone = await browser.new_page(viewport=PHONE)
        await login(phone, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        wide_pages = [o for p in manager_pages if (o := await overflow(phone, f"{stack.api_url}{p}"))]
        assert not wide_pages, f"these pages scroll sideways at 390px as a manager: {wide_pages}"
        await phone.goto(f"{stack.api_url}/team")
        assert (await phone.locator(".topbar").bounding_box() or {"height": 999})["height"] <= 64  # compact
        await expect(phone.locator("#site-nav")).to_be_hidden()
        await phone.locator(".menu-btn").click()
        await expect(phone.locator("#site-nav")).to_be_visible()
        await expect(phone.locator(".menu-btn")).to_have_attribute("aria-expanded", "true")
        await screenshot(phone, "phone-menu-open")
        await phone.keyboard.press("Escape")
        await expect(phone.locator("#site-nav")).to_be_hidden()
        for path, name in (("/team", "team-390"), (f"/renewals/{wf_id}", "renewal-390"), ("/inbox", "inbox-390")):
            await phone.goto(f"{stack.api_url}{path}")
            await screenshot(phone, name)

        csm = await browser.new_page(viewport=PHONE)
        await login(csm, stack.api_url, row.assigned_to, DEMO_PASSWORD)
        wide_pages = [o for p in csm_pages if (o := await overflow(csm, f"{stack.api_url}{p}"))]
        assert not wide_pages, f"these pages scroll sideways at 390px as a CSM: {wide_pages}"
        await csm.goto(f"{stack.api_url}/queue")
        await screenshot(csm, "queue-390")
