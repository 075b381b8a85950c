"""Closing a renewal and reading its score, in the browser: completing with an email still waiting for a
manager asks the CSM to send it first or drop it (never dropped silently), and the customer page shows the
score the queue shows (the CSM's load now), the assignment-time score labelled as such."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Page, expect

from contracts.renewals import ChooseInput, CompleteStepInput, RenewalState
from db import approvals_store
from devstack.seed import DEMO_PASSWORD
from tests.browser import chromium, login, screenshot
from tests.desk_helpers import clear, fill, no_sideways_scroll
from tests.stack import LocalStack, wait_for
from tests.test_renewal_workflow import act, new_renewal
from workflows.renewal import RenewalWorkflow

pytestmark = pytest.mark.browser


@pytest.fixture
async def fillers(stack: LocalStack) -> AsyncIterator[None]:
    yield
    await clear(stack)


async def _approval(stack: LocalStack, approval_id: str, status: str) -> Any:
    async with stack.db.session() as session:
        row = await approvals_store.get(session, approval_id)
    return row if row is not None and row.status == status else None


async def test_completing_with_an_email_awaiting_approval_asks_send_or_drop(stack: LocalStack) -> None:
    _, wf_id, csm = await new_renewal(stack, 77, days=4, risk=85)
    handle = stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    state: RenewalState = await act(handle, RenewalWorkflow.start, csm)
    assert state.definition is not None
    first = state.definition.steps[0].id
    await handle.execute_update(RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first, value="outreach"))
    state = await act(handle, RenewalWorkflow.choose, ChooseInput(actor=csm, step_id=first, value="send"))
    [approval_id] = state.email_approvals
    await wait_for(lambda: _approval(stack, approval_id, "pending"), 20, "the approval request recorded")
    for spec in state.definition.steps:
        await handle.execute_update(
            RenewalWorkflow.complete_step, CompleteStepInput(actor=csm, step_id=spec.id, outcome=spec.outcomes[0])
        )

    async with stack.browser_session(csm.email) as http:  # the form's server side: no choice, no completion
        refused = await http.post(f"/renewals/{wf_id}/complete", data={"outcome": "renewed"})
        assert "waiting for a manager" in refused.text and "send it first, or drop it" in refused.text
    assert (await handle.query(RenewalWorkflow.get_state)).status == "in_progress"

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, stack.api_url, csm.email, DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/renewals/{wf_id}")
        ask = page.locator("#pending-emails")
        await expect(ask).to_contain_text("1 email waiting for a manager's approval")
        await ask.get_by_label("Send it first").check()
        await page.get_by_role("button", name="Complete workflow").click()
        await expect(page.locator(".flash.notice")).to_contain_text("Kept open")
        await screenshot(page, "desk-complete-pending-1440")
        assert (await handle.query(RenewalWorkflow.get_state)).status == "in_progress"
        assert await _approval(stack, approval_id, "pending")

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, csm.email, DEMO_PASSWORD)
        await phone.goto(f"{stack.api_url}/renewals/{wf_id}")
        await phone.locator("#pending-emails").get_by_label("Drop it").check()
        await no_sideways_scroll(phone)
        await screenshot(phone, "desk-complete-pending-390")
        await phone.get_by_role("button", name="Complete workflow").click()
        await expect(phone.locator(".outcome h3")).to_contain_text("Workflow complete")
        await screenshot(phone, "desk-complete-dropped-390")
    row = await wait_for(lambda: _approval(stack, approval_id, "withdrawn"), 20, "the email withdrawn")
    assert row.decision["reason"] == "renewal completed"


async def _queue_score(page: Page, base: str, wf_id: str) -> int:
    await page.goto(f"{base}/queue?view=table")
    return int(await page.locator(f"[id='row-{wf_id}'] td:nth-child(6)").inner_text())


async def test_the_customer_page_shows_the_score_the_queue_shows(stack: LocalStack, fillers: None) -> None:
    key, wf_id, csm = await new_renewal(stack, 78, days=20, risk=50)
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, stack.api_url, csm.email, DEMO_PASSWORD)
        before = await _queue_score(page, stack.api_url, wf_id)
        await page.goto(f"{stack.api_url}/customers/{key}")
        renewal = page.locator(f"li:has(a[href='/renewals/{wf_id}'])")
        await expect(renewal.locator(".live-score")).to_have_text(f"{before} pts now")
        await expect(renewal).to_contain_text("assignment-time score")
        await screenshot(page, "desk-customer-score-1440")

        await fill(stack, csm.email)  # 12 more open renewals: 2 points each off every score of this CSM
        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, csm.email, DEMO_PASSWORD)
        after = await _queue_score(phone, stack.api_url, wf_id)
        assert after == max(before - 24, 0)
        await phone.goto(f"{stack.api_url}/customers/{key}")
        renewal = phone.locator(f"li:has(a[href='/renewals/{wf_id}'])")
        await expect(renewal.locator(".live-score")).to_have_text(f"{after} pts now")
        await no_sideways_scroll(phone)
        await screenshot(phone, "desk-customer-score-390")
