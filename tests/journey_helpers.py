"""Helpers for the journey tests: signed intake and events, waiting on enrollments."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from api.signatures import sign
from contracts import ids
from db.models import Enrollment, OutboxEntry, StepVisit
from journeys.setup import seed_prebuilt
from tests.stack import LocalStack, wait_for

DAY_S = 4.0  # a journey "day" lasts this many seconds in tests


async def speed_up(stack: LocalStack, *, cap: int = 3, window_s: int = int(DAY_S)) -> None:
    """The pre-built journeys, with a journey day lasting DAY_S seconds (the cap's 24 hours too)."""
    await seed_prebuilt(stack.db)
    s = stack.settings
    s.journeys.time_scale = DAY_S / 86400
    s.journeys.quiet_hours_start = s.journeys.quiet_hours_end = 0  # no quiet hours unless a test asks for them
    s.journeys.cap, s.journeys.cap_window_s = cap, window_s


async def signed_post(stack: LocalStack, path: str, payload: dict[str, Any]) -> httpx.Response:
    body = json.dumps(payload).encode()
    ts = int(time.time())
    headers = {
        "content-type": "application/json",
        "x-renubu-timestamp": str(ts),
        "x-renubu-signature": sign(stack.settings.journeys.intake_webhook_secret.get_secret_value(), ts, body),
    }
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as http:
        return await http.post(path, content=body, headers=headers)


async def new_lead(stack: LocalStack, **fields: Any) -> dict[str, Any]:
    n = uuid.uuid4().hex[:8]
    payload = {
        "email": f"lead-{n}@example.com",
        "phone": f"+1555{int(n, 16) % 10**7:07d}",
        "first_name": "Robin",
        "source": "web form",
        **fields,
    }
    response = await signed_post(stack, "/webhooks/lead", payload)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def event(stack: LocalStack, lead_id: str, type: str, channel: str | None = "email", **kw: Any) -> httpx.Response:
    payload = {"event_id": f"evt-{uuid.uuid4().hex}", "lead_id": lead_id, "type": type, "channel": channel, **kw}
    return await signed_post(stack, "/webhooks/events", payload)


async def enrollment(
    stack: LocalStack, journey: str, lead_id: str, status: str | None = None, timeout: float = 60
) -> Enrollment:
    async def probe() -> Enrollment | None:
        async with stack.db.session() as session:
            row = await session.get(Enrollment, ids.journey(journey, lead_id))
        return row if row is not None and (status is None or row.status == status) else None

    return await wait_for(probe, timeout, f"{journey} for {lead_id} to be {status or 'enrolled'}")


async def visits(stack: LocalStack, journey: str, lead_id: str) -> list[StepVisit]:
    async with stack.db.session() as session:
        return list(
            await session.scalars(
                select(StepVisit)
                .where(StepVisit.enrollment_id == ids.journey(journey, lead_id))
                .order_by(StepVisit.seq)
            )
        )


async def sends(stack: LocalStack, lead_id: str) -> list[OutboxEntry]:
    async with stack.db.session() as session:
        return list(
            await session.scalars(
                select(OutboxEntry).where(OutboxEntry.recipient == lead_id).order_by(OutboxEntry.created_at)
            )
        )


async def mail_to(stack: LocalStack, address: str) -> list[dict[str, Any]]:
    box = await stack.sandbox_admin("GET", "/_sandbox/mail")
    return [m for m in box["messages"] if address in str(m["to"])]
