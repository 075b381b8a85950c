"""A CSM logs in, starts the new urgent renewal from their queue, completes every step in
the browser and sees the outcome."""

from __future__ import annotations

import pytest

from contracts import ids
from devstack.seed import DEMO_PASSWORD
from tests.browser import chromium, login, screenshot
from tests.stack import LocalStack

pytestmark = pytest.mark.browser


async def test_csm_works_a_new_urgent_renewal_to_an_outcome(stack: LocalStack) -> None:
    key = stack.healthy_account(8)
    stack.set_account(key, renewal_in_days=2, arr=400_000.0, plan="invest")
    assert (await stack.post_signal(key, risk=95)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(wf_id)

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await login(page, stack.api_url, row.assigned_to, DEMO_PASSWORD)
        assert page.url.endswith("/queue")
        # Other tests share this stack's queues, so find the card by name rather than by position.
        top = page.locator(".qcard", has_text=row.customer_name).first
        await top.locator(".why summary").click()
        assert "= " in await top.locator(".formula").inner_text()  # the score explains itself
        await screenshot(page, "queue")
        top_name = await top.locator(".customer").inner_text()
        await top.get_by_role("button", name="Start workflow").click()
        await page.wait_for_url("**/renewals/**")
        await page.wait_for_selector(".step.active")
        assert top_name in await page.locator(".rhead h1").inner_text()

        steps = await page.locator(".step").count()
        for index in range(steps):
            choice = page.locator(".buttons .choice").first
            if await choice.count():
                artifacts = await page.locator(".artifact").count()
                await choice.click()
                await page.wait_for_function(  # a function, not an expression: the CSP forbids eval
                    f"() => document.querySelectorAll('.artifact').length > {artifacts}"
                    " || document.querySelectorAll('.flash.error').length > 0"
                )
            await page.locator("#complete-step summary").click()
            await page.locator("#complete-step button[type=submit]").click()
            await page.wait_for_function(f"() => document.querySelectorAll('.step.done').length >= {index + 1}")
        await screenshot(page, "renewal-all-steps-done")
        await page.get_by_role("button", name="Complete workflow").click()
        await page.wait_for_selector(".outcome h3")
        outcome = await page.locator(".outcome h3").inner_text()
        assert outcome.startswith("Workflow complete")
        assert await page.locator(".flash.error").count() == 0
        await screenshot(page, "renewal-complete")

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, row.assigned_to, DEMO_PASSWORD)
        await screenshot(phone, "queue-phone")
        assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    done = await stack.wait_projection(wf_id, lambda r: r.status == "completed")
    assert top_name == row.customer_name and done.outcome_status is not None
