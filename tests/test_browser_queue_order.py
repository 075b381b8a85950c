"""Urgent work on top, in the browser: a CSM carrying 30+ renewals in every stage gets a new Emergency
(small, so its score is low), and it is first in their queue and first on the manager's Team page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.async_api import expect
from sqlalchemy import delete

from contracts import ids
from db import renewal_projection
from db.models import WorkflowInstance
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.stack import LocalStack

pytestmark = pytest.mark.browser
FILL = "renewal-fill-"
STAGES = (("Monitor", 200, 400), ("Prepare", 60, 300), ("Critical", 15, 200), ("Emergency", 5, 150))
ROUND_TRIP_MS = 15_000  # a server round trip on a busy machine


@pytest.fixture
async def full_queue(stack: LocalStack) -> AsyncIterator[None]:
    yield
    async with stack.db.transaction() as session:  # other tests of this stack see no filler
        await session.execute(delete(WorkflowInstance).where(WorkflowInstance.id.startswith(FILL)))


async def fill(stack: LocalStack, csm: str, count: int = 32) -> None:
    """`count` open renewals of `csm` in every stage, the larger ones weighing far more than a small Emergency."""
    today = date.today()
    async with stack.db.transaction() as session:
        for i in range(count):
            stage, days, weight = STAGES[i % 4]
            factors = {"base": 20, "weight": weight, "workload_penalty": 0, "score": weight}
            await renewal_projection.upsert(
                session,
                {
                    "id": f"{FILL}{i}-{csm}",
                    "customer_id": f"fill-{i}",
                    "customer_name": f"Filler {i}",
                    "definition_id": f"{stage.lower()}-renewal",
                    "stage": stage,
                    "status": "pending",
                    "assigned_to": csm,
                    "priority_score": weight,
                    "priority_factors": factors,
                    "risk_score": 40,
                    "usage_trend": 0.0,
                    "arr": 500_000.0,
                    "renewal_date": today + timedelta(days=days + i),
                    "current_step": None,
                    "steps_done": 0,
                    "steps_total": 3,
                    "analysis_source": "Offline analyser",
                    "summary": "Filler renewal.",
                    "outcome": None,
                    "outcome_status": None,
                    "duration_s": None,
                    "seq": 1,
                    "created_at": datetime.now(UTC),
                    "started_at": None,
                    "completed_at": None,
                },
            )


async def test_a_new_emergency_is_first_in_a_full_queue_and_on_team(stack: LocalStack, full_queue: None) -> None:
    key = stack.healthy_account(52)
    stack.set_account(key, renewal_in_days=1, arr=60_000.0, plan="monitor")  # small: 90 × 1.2 × 0.8 × exp
    assert (await stack.post_signal(key, risk=80)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(wf_id)
    assert row.stage == "Emergency"
    await fill(stack, row.assigned_to)

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, stack.api_url, row.assigned_to, DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/queue")
        first = page.locator("#queue .qcard").first
        await expect(first.locator(".customer")).to_have_text(row.customer_name, timeout=ROUND_TRIP_MS)
        await expect(first.locator(".stage-badge")).to_have_text("Emergency Renewal")
        scores = await page.locator("#queue .qcard .score").all_inner_texts()
        assert len(scores) >= 30 and all(int(s.split()[0]) >= 0 for s in scores)
        await screenshot(page, "queue-new-emergency-first")

        manager = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(manager, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await manager.goto(f"{stack.api_url}/team")
        top = manager.locator("#urgent .qcard").first
        await expect(top.locator(".customer")).to_have_text(row.customer_name, timeout=ROUND_TRIP_MS)
        stages = await manager.locator("#urgent .qcard .stage-badge").all_inner_texts()
        assert set(stages) <= {"Emergency Renewal", "Critical Renewal"}
        assert stages.count("Emergency Renewal") >= 1 + 8 and stages.count("Critical Renewal") >= 8  # all, not 15
        await screenshot(manager, "team-new-emergency-first")
