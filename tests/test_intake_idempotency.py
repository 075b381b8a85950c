"""Lead intake takes an idempotency key (`Idempotency-Key` header or `request_id`): a retried POST, a replay
within the signature window included, gets the first answer back and makes one lead and one enrolment per
journey; the same key for another lead is refused."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from api.signatures import sign
from db.models import Enrollment, Lead
from tests.journey_helpers import speed_up
from tests.stack import LocalStack


async def _post(stack: LocalStack, payload: dict[str, Any], key: str | None = None) -> httpx.Response:
    body = json.dumps(payload).encode()
    ts = int(time.time())
    headers = {
        "content-type": "application/json",
        "x-renubu-timestamp": str(ts),
        "x-renubu-signature": sign(stack.settings.journeys.intake_webhook_secret.get_secret_value(), ts, body),
    }
    if key:
        headers["Idempotency-Key"] = key
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as http:
        return await http.post("/webhook/lead", content=body, headers=headers)


async def _counts(stack: LocalStack, email: str) -> tuple[int, int]:
    async with stack.db.session() as session:
        lead_ids = list(await session.scalars(select(Lead.id).where(Lead.email == email)))
        enrolments = await session.scalar(select(func.count()).where(Enrollment.lead_id.in_(lead_ids)))
    return len(lead_ids), int(enrolments or 0)


def _lead(**fields: Any) -> dict[str, Any]:
    return {"email": f"retry-{uuid.uuid4().hex[:8]}@example.com", "first_name": "Robin", "source": "web", **fields}


async def test_a_retried_intake_answers_as_the_first_and_creates_nothing_more(stack: LocalStack) -> None:
    await speed_up(stack)  # the pre-built journeys: a new lead enrols in the welcome series
    lead, key = _lead(), f"form-{uuid.uuid4().hex}"
    first = await _post(stack, lead, key)
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True and first.json()["enrolled"]
    again = await _post(stack, lead, key)  # the sender timed out and retried (a replay of it alike)
    assert again.status_code == 201 and again.json() == first.json()
    assert await _counts(stack, lead["email"]) == (1, len(first.json()["enrolled"]))


async def test_the_key_can_travel_in_the_body(stack: LocalStack) -> None:
    lead = _lead(request_id=f"form-{uuid.uuid4().hex}")
    first, again = await _post(stack, lead), await _post(stack, lead)
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert (await _counts(stack, lead["email"]))[0] == 1


async def test_a_key_reused_for_another_lead_or_two_different_keys_are_refused(stack: LocalStack) -> None:
    key = f"form-{uuid.uuid4().hex}"
    assert (await _post(stack, _lead(), key)).status_code == 201
    other = _lead()
    reused = await _post(stack, other, key)
    assert reused.status_code == 422 and "Idempotency-Key" in reused.text
    assert await _counts(stack, other["email"]) == (0, 0)
    both = await _post(stack, _lead(request_id="a-1"), "b-2")
    assert both.status_code == 422 and "request_id and the Idempotency-Key header differ" in both.text
    bad = await _post(stack, _lead(), "not a key!")
    assert bad.status_code == 422 and "Idempotency-Key" in bad.text
