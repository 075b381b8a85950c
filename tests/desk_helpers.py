"""Shared by the live-desk browser tests: a CSM's queue filled with renewals of every stage (projection rows
of their own, removed afterwards), so a renewal that changes stage visibly moves among others."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from playwright.async_api import Page
from sqlalchemy import delete

from db import renewal_projection
from db.models import WorkflowInstance
from tests.stack import LocalStack

FILL = "renewal-deskfill-"
# (stage, days to renewal of the first, weight): Emergencies due after the test's own, Criticals before it
STAGES = (("Emergency", 6, 150), ("Critical", 2, 120), ("Prepare", 60, 300), ("Monitor", 200, 400))


async def fill(stack: LocalStack, csm: str, count: int = 12) -> list[str]:
    """`count` open renewals of `csm`, named "Desk filler <i>"; returns their workflow ids."""
    today = date.today()
    made = []
    async with stack.db.transaction() as session:
        for i in range(count):
            stage, days, weight = STAGES[i % len(STAGES)]
            wf_id = f"{FILL}{i}-{csm}"
            await renewal_projection.upsert(
                session,
                {
                    "id": wf_id,
                    "customer_id": f"deskfill-{i}",
                    "customer_name": f"Desk filler {i}",
                    "definition_id": f"{stage.lower()}-renewal",
                    "stage": stage,
                    "status": "pending",
                    "assigned_to": csm,
                    "priority_score": weight,
                    "priority_factors": {"base": 20, "weight": weight, "workload_penalty": 0, "score": weight},
                    "risk_score": 30 + 5 * i,
                    "usage_trend": 0.0,
                    "arr": 40_000.0 + 10_000 * i,
                    "renewal_date": today + timedelta(days=days + i // len(STAGES)),
                    "current_step": None,
                    "steps_done": 0,
                    "steps_total": 3,
                    "analysis_source": "Offline analyser",
                    "summary": "Filler renewal of the live-desk tests.",
                    "outcome": None,
                    "outcome_status": None,
                    "duration_s": None,
                    "seq": 1,
                    "created_at": datetime.now(UTC),
                    "started_at": None,
                    "completed_at": None,
                },
            )
            made.append(wf_id)
    return made


async def clear(stack: LocalStack) -> None:
    async with stack.db.transaction() as session:  # other tests of this stack see no filler
        await session.execute(delete(WorkflowInstance).where(WorkflowInstance.id.startswith(FILL)))


async def live_open(page: Page) -> None:
    """The page's live feed is connected: what happens from now on reaches it."""
    await page.wait_for_function("() => document.body.dataset.liveState === 'open'")


async def no_sideways_scroll(page: Page) -> None:
    assert await page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
