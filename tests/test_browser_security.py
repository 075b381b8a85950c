"""The Content-Security-Policy in a real browser: every page loads without a violation, htmx runs without
eval, and behaviour that used inline handlers (the queue's filters) still works."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from db import users
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.stack import LocalStack

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
STAFF_PAGES = [
    "/home",
    "/team",
    "/queue?csm=all",
    "/analytics",
    "/agents",
    "/command",
    "/approvals",
    "/suppression",
    "/inbox",
    "/journeys",
    "/pipeline",
]


async def _violations(page: Page, path: str, base_url: str) -> list[str]:
    await page.goto(f"{base_url}{path}")
    await page.wait_for_load_state("networkidle")
    assert await page.evaluate("htmx.config.allowEval === false && htmx.config.allowScriptTags === false")
    return [f"{path}: {v}" for v in await page.evaluate("window.__cspViolations")]


async def test_pages_run_under_the_csp(stack: LocalStack) -> None:
    async with chromium() as browser:
        page = await browser.new_page()
        await page.add_init_script(RECORD_VIOLATIONS)
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        found: list[str] = []
        for path in STAFF_PAGES:
            found += await _violations(page, path, stack.api_url)
        assert found == []


async def test_queue_filters_submit_without_inline_handlers(stack: LocalStack) -> None:
    async with chromium() as browser:
        page = await browser.new_page()
        await page.add_init_script(RECORD_VIOLATIONS)
        await login(page, stack.api_url, stack.sandbox.data.csms[0].email, DEMO_PASSWORD)
        assert await _violations(page, "/queue", stack.api_url) == []
        await page.select_option("select[name=stage]", "Critical")
        await page.wait_for_url("**/queue?stage=Critical")
        assert await page.evaluate("window.__cspViolations") == []


async def test_log_out_everywhere_from_the_account_menu(stack: LocalStack) -> None:
    """A user of its own: ending every session of the shared demo manager would log other tests out."""
    email, password = "guard.browser@renubu.demo", "a-long-browser-password"
    async with stack.db.transaction() as session:
        await users.ensure_user(session, email=email, name="Gia Browser", role="manager", password=password)
    async with chromium() as browser:
        laptop, phone = await browser.new_page(viewport={"width": 1440, "height": 900}), await browser.new_page()
        for page in (laptop, phone):
            await login(page, stack.api_url, email, password)
            await page.goto(f"{stack.api_url}/approvals")
        await phone.set_viewport_size({"width": 390, "height": 844})
        await phone.click("[data-menu]")  # on a phone the account menu sits behind the Menu button
        await phone.click(".account > summary")
        await screenshot(phone, "logout-everywhere-390")
        await laptop.click(".account > summary")
        await screenshot(laptop, "logout-everywhere-1440")
        await laptop.get_by_role("button", name="Log out everywhere").click()
        await laptop.wait_for_url("**/login")
        await phone.goto(f"{stack.api_url}/approvals")  # the other device's session has ended too
        await phone.wait_for_url("**/login**")
