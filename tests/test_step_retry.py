"""Retry where a unit of work ended visibly on bad data: a journey send ClubOS refused (a malformed phone number)
is shown failed on the lead's page with a Retry button; once the number is fixed, the manager's retry sends it,
once however often the request is repeated."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import yaml

from contracts import ids
from db.models import Lead
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.factories import CSM
from tests.journey_helpers import new_lead, sends, speed_up, visits
from tests.stack import LocalStack, wait_for

pytestmark = pytest.mark.browser


def _texting_journey(journey_id: str) -> dict[str, Any]:
    """One SMS, then a long wait (the walk stays active while the test retries its send)."""
    return {
        "id": journey_id,
        "name": "Retry check",
        "trigger": {"type": "webhook"},
        "steps": [
            {"id": "text", "type": "send", "channel": "sms", "body": "Hi {first_name}, your tour is booked."},
            {"id": "later", "type": "wait", "duration": "60d"},
        ],
    }


async def _set_phone(stack: LocalStack, lead_id: str, phone: str) -> None:
    async with stack.db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        lead.phone = phone


async def _text_outcome(stack: LocalStack, journey_id: str, lead_id: str, wanted: str) -> str | None:
    outcome = next((v.outcome for v in await visits(stack, journey_id, lead_id) if v.step_id == "text"), "")
    return outcome if wanted in (outcome or "") else None


async def test_a_failed_send_is_retried_once_its_data_is_fixed(stack: LocalStack) -> None:
    await speed_up(stack, cap=20)
    journey_id = f"retry-{uuid.uuid4().hex[:8]}"
    lead_id = (await new_lead(stack))["lead_id"]
    await _set_phone(stack, lead_id, "555 0100")  # imported badly: ClubOS refuses it (422), retrying cannot help
    walk = ids.journey(journey_id, lead_id)
    async with stack.browser_session(MANAGER[0]) as http:
        source = yaml.safe_dump(_texting_journey(journey_id))
        assert (await http.post(f"/api/journeys/{journey_id}/versions", json={"source": source})).status_code == 201
        enrolled = await http.post(f"/api/journeys/{journey_id}/enroll", json={"lead_id": lead_id})
        assert enrolled.json()["result"] == "enrolled", enrolled.text
        failed = await wait_for(lambda: _text_outcome(stack, journey_id, lead_id, "failed: "), 60, "the failed send")
        assert "invalid_address" in failed or "E.164" in failed, failed

        # Nothing else failed there; a CSM may not retry; a walk of another lead is not this lead's.
        body = {"enrollment_id": walk, "step_id": "later"}
        nothing = await http.post(f"/api/leads/{lead_id}/retry", json=body)
        assert nothing.status_code == 409 and "step_id" in nothing.json()["detail"], nothing.text
        other = await http.post("/api/leads/someone-else/retry", json={**body, "step_id": "text"})
        assert other.status_code == 404 and "enrollment_id" in other.json()["detail"]
    async with stack.browser_session(CSM.email) as csm:
        refused = await csm.post(f"/api/leads/{lead_id}/retry", json={**body, "step_id": "text"})
        assert refused.status_code == 403

    await _set_phone(stack, lead_id, f"+1555{uuid.uuid4().int % 10**7:07d}")  # fixed
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/leads/{lead_id}")
        failed_box = page.locator(f"#failed-{journey_id}-text")
        await failed_box.get_by_text("Retry check").or_(failed_box.get_by_text("text failed")).first.wait_for()
        await screenshot(page, "step-retry-failed")
        await page.set_viewport_size({"width": 390, "height": 844})
        await screenshot(page, "step-retry-failed-phone")
        await page.set_viewport_size({"width": 1440, "height": 900})
        await failed_box.get_by_role("button", name="Retry").click()
        await page.wait_for_function(f"() => !document.querySelector('#failed-{journey_id}-text')", timeout=60_000)
        await screenshot(page, "step-retry-done")

    outcome = await wait_for(lambda: _text_outcome(stack, journey_id, lead_id, "sent"), 60, "the retried send")
    assert f"retried by {MANAGER[0]}: sent (sms)" in outcome, outcome
    texts = [s for s in await sends(stack, lead_id) if s.idempotency_key == f"{walk}:text"]
    assert [s.state for s in texts] == ["sent"]

    # The same request again is the same retry (one "retried by"); a new one finds nothing failed.
    async with stack.browser_session(MANAGER[0]) as http:
        again = await http.post(f"/api/leads/{lead_id}/retry", json={**body, "step_id": "text", "request_id": "r-1"})
        assert again.status_code == 409, again.text  # nothing left to retry
    assert outcome.count("retried by") == 1
