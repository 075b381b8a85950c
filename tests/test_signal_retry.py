"""Retry where a risk signal ended visibly on bad data: Active refusing the usage request (a 400, which retrying
cannot fix) fails the signal for good; the command center lists it with a Retry button, and once Active takes
the request again the manager's retry makes the renewal, once however often the request is repeated."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from contracts import ids
from db.models import CustomerIntelligence, FailedSignal
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.factories import CSM
from tests.stack import LocalStack, wait_for

pytestmark = pytest.mark.browser


async def _failure(stack: LocalStack, event_id: str) -> FailedSignal | None:
    async with stack.db.session() as session:
        return await session.get(FailedSignal, event_id)


async def _resolved(stack: LocalStack, event_id: str) -> FailedSignal | None:
    row = await _failure(stack, event_id)
    return row if row is not None and row.resolved_at is not None else None


async def test_a_failed_signal_is_listed_and_retried_once_its_data_is_fixed(stack: LocalStack) -> None:
    key = stack.healthy_account(65)
    stack.set_account(key, renewal_in_days=20)
    await stack.set_faults("active", error_rate=1.0, error_status=400)
    event_id = f"evt_retry_{uuid.uuid4().hex[:12]}"
    try:
        assert (await stack.post_signal(key, risk=40, event_id=event_id)).status_code == 202
        failed = await wait_for(lambda: _failure(stack, event_id), 60, "the failure to be recorded")
        assert failed.customer_id == key and failed.resolved_at is None and failed.signal["risk_score"] == 40
        async with stack.browser_session(MANAGER[0]) as http:
            page = await http.get("/command/failures")
            assert f'id="failed-signal-{event_id}"' in page.text and ">Retry</button>" in page.text
            missing = await http.post("/api/signals/evt-none/retry", json={})
            assert missing.status_code == 404 and "event_id" in missing.json()["detail"]
        async with chromium() as browser:
            page = await browser.new_page(viewport={"width": 1440, "height": 900})
            await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
            await page.goto(f"{stack.api_url}/command")
            await page.locator(f"#failed-signal-{event_id}").get_by_role("button", name="Retry").wait_for()
            await screenshot(page, "signal-retry-command-center")
            await page.set_viewport_size({"width": 390, "height": 844})
            await screenshot(page, "signal-retry-command-center-phone")
        async with stack.browser_session(CSM.email) as csm:
            assert (await csm.post(f"/api/signals/{event_id}/retry", json={})).status_code == 403
    finally:
        await stack.set_faults("active", error_rate=0.0, error_status=503)  # fixed

    async with stack.browser_session(MANAGER[0]) as http:
        first = await http.post(f"/api/signals/{event_id}/retry", json={"request_id": "retry-1"})
        again = await http.post(f"/api/signals/{event_id}/retry", json={"request_id": "retry-1"})  # a double click
    assert first.status_code == 202, first.text
    retry_id = first.json()["retry_event_id"]
    assert again.status_code == 202 and again.json()["retry_event_id"] == retry_id
    await wait_for(lambda: _resolved(stack, event_id), 60, "the retry to go through")
    renewal = await stack.wait_projection(ids.renewal(key, stack.account(key).renewal_date))
    assert renewal.customer_id == key
    async with stack.db.session() as session:
        analysed = list(
            await session.scalars(select(CustomerIntelligence.event_id).where(CustomerIntelligence.customer_id == key))
        )
    assert analysed.count(retry_id) == 1 and event_id not in analysed
    async with stack.browser_session(MANAGER[0]) as http:
        done = await http.post(f"/api/signals/{event_id}/retry", json={"request_id": "retry-2"})
        page = await http.get("/command/failures")
    assert done.status_code == 409
    assert f'id="failed-signal-{event_id}"' not in page.text
