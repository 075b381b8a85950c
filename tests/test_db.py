"""The database layer, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from db import intelligence_store, outbox, renewal_projection, step_history, users
from db.engine import Database
from rules.queue_order import STAGE_ORDER

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def projection(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": f"renewal-{uuid.uuid4().hex[:8]}",
        "customer_id": "c1",
        "customer_name": "C1",
        "definition_id": "critical-renewal",
        "stage": "Critical",
        "status": "pending",
        "assigned_to": "a@x",
        "priority_score": 100,
        "priority_factors": {"base": 70},
        "risk_score": 50,
        "usage_trend": -5.0,
        "arr": 100_000.0,
        "renewal_date": date(2026, 12, 1),
        "current_step": None,
        "steps_done": 0,
        "steps_total": 3,
        "analysis_source": "Offline analyser",
        "summary": "s",
        "outcome": None,
        "outcome_status": None,
        "duration_s": None,
        "seq": 1,
        "created_at": NOW,
        "started_at": None,
        "completed_at": None,
    }
    values.update(over)
    return values


async def test_projection_ignores_older_writes(any_db: Database) -> None:
    row = projection(seq=5)
    async with any_db.transaction() as s:
        assert await renewal_projection.upsert(s, row)
    async with any_db.transaction() as s:
        assert not await renewal_projection.upsert(s, {**row, "seq": 4, "status": "in_progress"})
        assert await renewal_projection.upsert(s, {**row, "seq": 6, "priority_score": 150})
    async with any_db.session() as s:
        stored = await renewal_projection.get(s, row["id"])
    assert stored is not None and (stored.seq, stored.status, stored.priority_score) == (6, "pending", 150)


async def test_queue_is_priority_ordered_and_per_csm(any_db: Database) -> None:
    csm = f"{uuid.uuid4().hex[:6]}@x"
    rows = [projection(assigned_to=csm, priority_score=p) for p in (50, 287, 120)]
    rows.append(projection(assigned_to=csm, priority_score=999, status="completed", completed_at=NOW))
    rows.append(projection(assigned_to="someone@else", priority_score=500))
    async with any_db.transaction() as s:
        for r in rows:
            await renewal_projection.upsert(s, r)
    async with any_db.session() as s:
        queue = await renewal_projection.queue(s, csm)
        stats = await renewal_projection.queue_stats(s, csm, NOW - timedelta(hours=1))
        loads = await renewal_projection.open_counts_by_csm(s)
        nxt = await renewal_projection.next_in_queue(s, csm, exclude=queue[0].id)
    # scored with the CSM's load now: 3 open, so 2 others, 4 points off each
    assert [q.priority_score for q in queue] == [283, 116, 46]
    assert stats == {"pending": 3, "in_progress": 0, "open": 3, "completed_today": 1}
    assert loads[csm] == 3
    assert nxt is not None and nxt.priority_score == 116


async def test_intelligence_is_stored_once_per_event_and_history_kept(any_db: Database) -> None:
    customer = f"cust-{uuid.uuid4().hex[:6]}"
    base = {
        "customer_id": customer,
        "risk_score": 70,
        "health_score": 30,
        "sentiment": "negative",
        "summary": "s",
        "trends": {},
        "insights": [],
        "recommendations": ["r"],
        "source": "Offline analyser",
        "from_model": False,
        "context": {},
        "signal": {},
    }
    async with any_db.transaction() as s:
        await intelligence_store.upsert_customer(
            s,
            id=customer,
            name="N",
            salesforce_id=None,
            arr=1.0,
            renewal_date=None,
            account_plan=None,
            owner_email=None,
        )
        first = await intelligence_store.save_intelligence(s, {**base, "event_id": f"{customer}-1"})
        again = await intelligence_store.save_intelligence(s, {**base, "event_id": f"{customer}-1", "risk_score": 1})
        second = await intelligence_store.save_intelligence(s, {**base, "event_id": f"{customer}-2", "risk_score": 90})
        await intelligence_store.upsert_customer(
            s,
            id=customer,
            name="New name",
            salesforce_id="001",
            arr=2.0,
            renewal_date=date(2027, 1, 1),
            account_plan="invest",
            owner_email=None,
        )
    assert first == again != second
    async with any_db.session() as s:
        history = await intelligence_store.intelligence_history(s, customer)
        latest = await intelligence_store.latest_intelligence(s, customer)
    assert [h.risk_score for h in history] == [90, 70]
    assert latest is not None and latest.id == second


async def test_webhook_events_dedupe(any_db: Database) -> None:
    event = f"evt-{uuid.uuid4().hex}"
    async with any_db.transaction() as s:
        assert not await intelligence_store.webhook_seen(s, event)
        await intelligence_store.mark_webhook(s, event, "active", "c")
        await intelligence_store.mark_webhook(s, event, "active", "c")
    async with any_db.session() as s:
        assert await intelligence_store.webhook_seen(s, event)


async def test_step_history_records_once_and_feeds_analytics(any_db: Database) -> None:
    wf = projection(
        status="completed",
        completed_at=NOW,
        started_at=NOW - timedelta(minutes=45),
        outcome={"status": "renewed"},
        outcome_status="renewed",
        duration_s=2700.0,
        definition_id="qbr",
        assigned_to="analytics@x",
    )
    step = {
        "workflow_id": wf["id"],
        "definition_id": "qbr",
        "step_id": "gather-results",
        "step_name": "Gather Results",
        "actor": "analytics@x",
        "started_at": NOW - timedelta(minutes=10),
        "completed_at": NOW,
        "duration_s": 600.0,
        "outcomes": {"outcome": "ready"},
    }

    async def renewed() -> int:  # other tests share this database: count what this one adds
        async with any_db.session() as s:
            data = await step_history.analytics(s, NOW - timedelta(hours=1))
        return next((o["count"] for o in data["outcomes"] if o["outcome"] == "renewed"), 0)

    before = await renewed()
    async with any_db.transaction() as s:
        await renewal_projection.upsert(s, wf)
        assert await step_history.record(s, step)
        assert not await step_history.record(s, step)
    async with any_db.session() as s:
        data = await step_history.analytics(s, NOW - timedelta(hours=1))
        trail = await step_history.for_workflow(s, wf["id"])
    assert len(trail) == 1
    qbr = next(t for t in data["by_type"] if t["definition_id"] == "qbr")
    assert qbr["avg_duration_s"] == pytest.approx(2700.0)
    assert await renewed() == before + 1
    assert data["completed_today_by_csm"]["analytics@x"] == 1


async def test_outbox_sends_once_per_key(any_db: Database) -> None:
    key = f"wf:{uuid.uuid4().hex}:step:createTask:1"
    calls: list[int] = []

    async def send() -> dict[str, Any]:
        calls.append(1)
        return {"id": "00T1"}

    first = await outbox.send_once(
        any_db, key=key, kind="salesforce_task", target="C", payload={}, workflow_id="wf", send=send
    )
    second = await outbox.send_once(
        any_db, key=key, kind="salesforce_task", target="C", payload={}, workflow_id="wf", send=send
    )
    assert first == second == {"id": "00T1"} and len(calls) == 1


async def test_outbox_failure_keeps_the_entry_for_the_retry(any_db: Database) -> None:
    key = f"wf:{uuid.uuid4().hex}"

    async def boom() -> dict[str, Any]:
        raise RuntimeError("salesforce down")

    with pytest.raises(RuntimeError):
        await outbox.send_once(any_db, key=key, kind="k", target="t", payload={}, workflow_id=None, send=boom)

    async def ok() -> dict[str, Any]:
        return {"id": "x"}

    assert await outbox.send_once(any_db, key=key, kind="k", target="t", payload={}, workflow_id=None, send=ok) == {
        "id": "x"
    }


async def test_users_passwords_and_api_keys(any_db: Database) -> None:
    email = f"{uuid.uuid4().hex[:6]}@renubu.demo"
    async with any_db.transaction() as s:
        user = await users.ensure_user(s, email=email.upper(), name="U", role="csm", password="pw", experience="senior")
        same = await users.ensure_user(s, email=email, name="Other", role="manager", password="x")
        key = await users.create_api_key(s, user, "script")
    assert same.id == user.id and same.role == "csm"
    async with any_db.transaction() as s:
        assert await users.authenticate(s, email, "pw") is not None
        assert await users.authenticate(s, email, "wrong") is None
        assert await users.authenticate(s, "nobody@x", "pw") is None
        found = await users.user_for_api_key(s, key)
    assert found is not None and found.email == email


async def test_a_new_emergency_tops_a_full_queue_and_every_urgent_renewal_is_on_team(any_db: Database) -> None:
    """32 renewals per CSM in every stage (the demo's load): a new, small Emergency is first in its CSM's
    queue and first on Team, every Emergency and Critical of every CSM is on Team, and each queue shows one
    workload term (the CSM's load now) and no negative score."""
    stages = [("Monitor", 300), ("Prepare", 90), ("Critical", 20), ("Emergency", 5)]
    csms = [f"{uuid.uuid4().hex[:6]}@x" for _ in range(2)]
    rows = []
    for c, csm in enumerate(csms):
        for i in range(32):
            stage, days = stages[i % 4]
            weight = 20 + (i * 37) % 380
            factors = {"base": 20, "weight": weight, "workload_penalty": 2 * i, "score": max(weight - 2 * i, 0)}
            rows.append(
                projection(
                    assigned_to=csm,
                    stage=stage,
                    renewal_date=date(2026, 12, 1) + timedelta(days=days + i + c),
                    priority_score=factors["score"],
                    priority_factors=factors,
                )
            )
    new = projection(
        id=f"renewal-new-{uuid.uuid4().hex[:6]}",
        assigned_to=csms[0],
        stage="Emergency",
        renewal_date=date(2026, 12, 4),
        priority_score=35,
        priority_factors={"base": 90, "weight": 95, "workload_penalty": 60, "score": 35},
    )
    async with any_db.transaction() as s:
        for r in [*rows, new]:
            await renewal_projection.upsert(s, r)
    async with any_db.session() as s:
        mine = await renewal_projection.queue(s, csms[0], limit=500)
        urgent = [r for r in await renewal_projection.urgent(s) if r.assigned_to in csms]
    assert mine[0].id == new["id"]
    assert [r.stage for r in mine] == sorted((r.stage for r in mine), key=STAGE_ORDER.index)
    assert {r.priority_factors["workload_penalty"] for r in mine} == {2 * 32}  # 33 open: 32 others
    assert mine[0].priority_score == 95 - 64 and all(r.priority_score >= 0 for r in mine)
    assert urgent[0].id == new["id"]
    assert len(urgent) == 1 + 2 * 16 and {r.stage for r in urgent} == {"Emergency", "Critical"}
