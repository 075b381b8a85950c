"""A manager reassigns an Emergency: the picker lists every CSM with level and load, the rule's best fit is
preselected, a junior draws a warning and needs a reason, and the reason lands in the audit trail."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from contracts import ids
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.stack import LocalStack

pytestmark = pytest.mark.browser


async def test_reassigning_an_emergency_to_a_junior_warns_and_needs_a_reason(stack: LocalStack) -> None:
    key = stack.healthy_account(50)
    stack.set_account(key, renewal_in_days=2, arr=60_000.0, plan="monitor")
    assert (await stack.post_signal(key, risk=85)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(wf_id)
    assert row.stage == "Emergency"

    async with stack.browser_session(MANAGER[0]) as http:  # the server's own check, without the browser's
        page = await http.get(f"/renewals/{wf_id}")
        assert "recommended" in page.text
        found = re.search(r'<option value="([^"]+)" data-warning="[^"]*">[^<]*\(junior', page.text)
        assert found, "no junior CSM offered"
        refused = await http.post(f"/renewals/{wf_id}/reassign", data={"to_email": found.group(1), "reason": " "})
        assert "give a reason to override the assignment rule" in refused.text
        assert (await stack.projection(wf_id)).assigned_to == row.assigned_to
        team = (await http.get("/team")).text  # load bars on a scale: each CSM's open renewals of the capacity
        capacity = stack.settings.club.csm_capacity
        assert f"capacity of {capacity} open renewals" in team and re.search(rf'aria-label="\d+ of {capacity}"', team)

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/renewals/{wf_id}")
        await page.locator(".manager-tools summary").click()
        form = page.locator("form[data-reassign]")
        chosen = form.locator("select[name=to_email] option:checked")
        await expect(chosen).to_contain_text("recommended")
        assert "junior" not in await chosen.inner_text()
        await expect(form.locator("[data-reassign-warning]")).to_be_hidden()

        junior = form.locator("select[name=to_email] option", has_text="junior").first
        await form.locator("select[name=to_email]").select_option(await junior.get_attribute("value"))
        warning = form.locator("[data-reassign-warning]")
        await expect(warning).to_be_visible()
        await expect(warning).to_contain_text("Emergency renewals need a senior CSM or above; this CSM is junior")
        await expect(form.locator("input[name=reason]")).to_have_attribute("required", "")
        await screenshot(page, "reassign-warning")

        await form.locator("input[name=reason]").fill("Covering while the principal is on leave")
        await form.locator("button", has_text="Reassign").click()
        history = page.locator(".trail .history")
        await expect(history).to_contain_text("overrides the assignment rule")
        await expect(history).to_contain_text("Covering while the principal is on leave")
        await page.goto(f"{stack.api_url}/team")
        card = page.locator("#urgent .qcard", has_text=row.customer_name)
        await expect(card).not_to_contain_text(row.assigned_to)  # it moved to the junior
        await screenshot(page, "team-after-reassign")
