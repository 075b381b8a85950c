"""One walk of a journey per lead, claimed in the database before its workflow starts: asking again while a
walk is active or after it finished starts nothing; a second walk asked for (`again`) has its own number and
workflow id, so its sends carry their own idempotency keys and go out; two enrolments at once start one walk."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from contracts import ids
from db.models import Enrollment, Lead
from devstack.seed import MANAGER
from journeys import enroll
from journeys.facts import snapshot
from tests.journey_helpers import enrollment, new_lead, sends, speed_up
from tests.stack import LocalStack, wait_for

JOURNEY = "geographic"  # a Texas lead: a branch and one email, then done


async def _walks(stack: LocalStack, lead_id: str) -> list[Enrollment]:
    async with stack.db.session() as session:
        rows = await session.scalars(
            select(Enrollment)
            .where(Enrollment.lead_id == lead_id, Enrollment.journey_id == JOURNEY)
            .order_by(Enrollment.walk)
        )
        return list(rows)


async def _texas_sent(stack: LocalStack, lead_id: str, workflow_id: str) -> bool:
    return any(
        s.idempotency_key.startswith(f"{workflow_id}:texas") and s.state == "sent" for s in await sends(stack, lead_id)
    )


async def _enroll(stack: LocalStack, lead_id: str, *, again: bool) -> dict[str, str]:
    async with stack.browser_session(MANAGER[0]) as http:
        response = await http.post(f"/api/journeys/{JOURNEY}/enroll", json={"lead_id": lead_id, "again": again})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_second_walk_sends_and_concurrent_enrolments_start_one(stack: LocalStack) -> None:
    await speed_up(stack, cap=20)
    lead_id = (await new_lead(stack, region="Texas"))["lead_id"]
    first = ids.journey(JOURNEY, lead_id)
    await enrollment(stack, JOURNEY, lead_id, "completed")
    assert await _texas_sent(stack, lead_id, first)

    assert await _enroll(stack, lead_id, again=False) == {"result": "already_enrolled", "workflow_id": first}
    second = await _enroll(stack, lead_id, again=True)
    assert second == {"result": "enrolled", "workflow_id": f"{first}-walk2"}
    await wait_for(lambda: _texas_sent(stack, lead_id, second["workflow_id"]), 30, "the second walk's email")

    # Asked twice at once, while the second walk may still be finishing or after it did: one walk, never two.
    await wait_for(lambda: _done(stack, lead_id, 2), 30, "the second walk to finish")
    async with stack.db.session() as session:
        lead = await session.get(Lead, lead_id)
    assert lead is not None
    results = await asyncio.gather(
        *(enroll.enroll(stack.client, stack.db, stack.settings, snapshot(lead), JOURNEY, again=True) for _ in range(2))
    )
    assert sorted(r for r, _ in results) == ["already_enrolled", "enrolled"], results
    walks = await _walks(stack, lead_id)
    assert [w.walk for w in walks] == [1, 2, 3]
    await wait_for(lambda: _texas_sent(stack, lead_id, f"{first}-walk3"), 30, "the third walk's email")
    texas = [s for s in await sends(stack, lead_id) if ":texas" in s.idempotency_key]
    assert len(texas) == 3 and all(s.state == "sent" for s in texas)


async def _done(stack: LocalStack, lead_id: str, walk: int) -> bool:
    return any(w.walk == walk and w.status == "completed" for w in await _walks(stack, lead_id))
