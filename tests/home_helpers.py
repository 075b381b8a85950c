"""Demo-like data for the manager home: renewals in every stage, completed ones with outcomes over the
last weeks, pending approvals of several ages. Every id carries a tag, so a test's rows are its own."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete

from agent.agents import DEFAULT_AGENTS
from db import agent_runs_store, approvals_store, control, renewal_projection
from db.engine import Database
from db.migrate import upgrade
from db.models import Agent, AgentRun, ApiKey, Approval, OutboxEntry, User, WorkflowInstance
from tests.conftest import PG_ADMIN_URL


def renewal(tag: str, n: int, **over: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "id": f"renewal-{tag}-{n}",
        "customer_id": f"{tag}-customer-{n}",
        "customer_name": f"Customer {n} ({tag})",
        "definition_id": "critical-renewal",
        "stage": "Critical",
        "status": "pending",
        "assigned_to": "csm@x",
        "priority_score": 0,  # below any real renewal: a CSM's top card stays theirs
        "priority_factors": {"base": 0},
        "risk_score": 50,
        "usage_trend": -5.0,
        "arr": 100_000.0,
        "renewal_date": now.date() + timedelta(days=20),
        "current_step": None,
        "steps_done": 0,
        "steps_total": 3,
        "analysis_source": "Offline analyser",
        "summary": "",
        "outcome": None,
        "outcome_status": None,
        "duration_s": None,
        "seq": 1,
        "created_at": now,
        "started_at": None,
        "completed_at": None,
    }
    values.update(over)
    return values


# (stage, days to renewal, ARR, risk) for the open renewals, dealt round the CSMs.
OPEN_RENEWALS = [
    ("Emergency", 3, 420_000.0, 92),
    ("Emergency", 5, 180_000.0, 81),
    ("Critical", 9, 260_000.0, 74),
    ("Critical", 18, 95_000.0, 66),
    ("Critical", 27, 140_000.0, 58),
    ("Prepare", 45, 310_000.0, 48),
    ("Prepare", 70, 75_000.0, 35),
    ("Prepare", 120, 220_000.0, 41),
    ("Monitor", 200, 60_000.0, 22),
    ("Monitor", 260, 130_000.0, 15),
]
TYPES = ["critical-renewal", "emergency-renewal", "prepare-renewal", "monitor-renewal"]
OUTCOMES = ["renewed", "renewed_with_concession", "churned", "expansion_identified", "healthy", "renewed"]


async def seed_home(db: Database, tag: str, csms: list[str], *, load: dict[str, int] | None = None) -> None:
    """Open renewals, twelve weeks of completions and waiting approvals; `load` adds extra open Monitor
    renewals to a CSM (to put them over capacity)."""
    now = datetime.now(UTC)
    today = now.date()
    rows = [
        renewal(
            tag,
            i,
            stage=stage,
            renewal_date=today + timedelta(days=days),
            arr=arr,
            risk_score=risk,
            assigned_to=csms[i % len(csms)],
            status="in_progress" if i % 3 == 0 else "pending",
        )
        for i, (stage, days, arr, risk) in enumerate(OPEN_RENEWALS)
    ]
    n = len(rows)
    for email, extra in (load or {}).items():
        for _ in range(extra):
            rows.append(
                renewal(
                    tag,
                    n,
                    stage="Monitor",
                    renewal_date=today + timedelta(days=300),
                    arr=20_000.0,
                    risk_score=10,
                    assigned_to=email,
                )
            )
            n += 1
    for week in range(12):
        for k in range(week % 4 + 1):
            done = now - timedelta(weeks=week, hours=k + 1)
            rows.append(
                renewal(
                    tag,
                    n,
                    status="completed",
                    assigned_to=csms[k % len(csms)],
                    definition_id=TYPES[(week + k) % len(TYPES)],
                    outcome_status=OUTCOMES[(week + k) % len(OUTCOMES)],
                    completed_at=done,
                    started_at=done - timedelta(hours=3 + (week + k) % 5),
                    duration_s=(3 + (week + k) % 5) * 3600.0,
                )
            )
            n += 1
    async with db.transaction() as session:
        for row in rows:
            await renewal_projection.upsert(session, row)
        for i, (kind, hours) in enumerate(
            [("campaign", 0.5), ("campaign", 2), ("renewal", 3), ("inbox", 7), ("inbox", 30), ("schedule", 50)]
        ):
            await approvals_store.add(session, approval(tag, i, kind, now - timedelta(hours=hours)))


def approval(tag: str, n: int, kind: str, requested_at: datetime) -> dict[str, Any]:
    return {
        "id": f"apr-{tag}-{n}",
        "workflow_id": f"wf-{tag}-{n}",
        "workflow_kind": kind,
        "action": "send_message",
        "title": f"Approval {n} ({tag})",
        "items": [],
        "editable": None,
        "status": "pending",
        "requested_at": requested_at,
        "expires_at": requested_at + timedelta(days=3),
    }


async def clear(db: Database) -> None:
    async with db.transaction() as session:
        for table in (WorkflowInstance, Approval, ApiKey, User, AgentRun, Agent, OutboxEntry):
            await session.execute(delete(table))


@asynccontextmanager
async def own_database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    """A database of a test module's own (SQLite or PostgreSQL): charts aggregate whole tables, so no other
    test's rows may be there."""
    name = f"renubu_charts_{uuid.uuid4().hex[:10]}"
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('charts') / 'renubu.db'}"
    else:
        subprocess.run(["psql", PG_ADMIN_URL, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    await upgrade(url)
    db = Database(url)
    try:
        yield db
    finally:
        await db.dispose()
        if kind == "postgresql":
            subprocess.run(["psql", PG_ADMIN_URL, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)


# Results of demo agent runs: mostly successes, a few failures, budget pauses and skips.
RESULTS = ["succeeded"] * 6 + ["failed", "budget_paused", "skipped", "succeeded"]


async def seed_command(db: Database, tag: str, days: int = 14) -> None:
    """Two weeks of agent runs (with LLM cost), sent messages and a daily budget: the command center's trends."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        existing = {a.id for a in await agent_runs_store.agents(session)}
        for default in DEFAULT_AGENTS:
            if default.id not in existing:
                session.add(Agent(id=default.id, name=default.name, goal=default.goal, schedule=default.schedule))
        await session.flush()
        n = 0
        for day in range(days):
            for i, default in enumerate(DEFAULT_AGENTS):
                for k in range(1 + (day + i) % 3):
                    session.add(
                        AgentRun(
                            id=f"agent-run-{tag}-{n}",
                            agent_id=default.id,
                            trigger="schedule",
                            status=RESULTS[(day * 7 + i * 3 + k) % len(RESULTS)],
                            planner="Offline planner",
                            dry_run=False,
                            tools_used=[],
                            cost_usd=round(0.04 + 0.03 * ((day + i * 2 + k) % 5), 2),
                            started_at=now - timedelta(days=day, hours=i + k),
                        )
                    )
                    n += 1
            for m in range(4 + (day * 5) % 9):
                at = now - timedelta(days=day, minutes=10 * m + 1)
                channel = "sms" if m % 3 else "email"
                session.add(
                    OutboxEntry(
                        idempotency_key=f"{tag}-msg-{day}-{m}",
                        kind=channel,
                        target="M1",
                        payload={},
                        state="sent" if m % 7 else ("failed" if day % 2 else "rejected"),
                        channel=channel,
                        created_at=at,
                        updated_at=at,
                    )
                )
            waited = timedelta(minutes=20 + 97 * day)
            decided = {"status": "approved" if day % 4 else "denied", "decided_at": now - timedelta(days=day)}
            await approvals_store.add(
                session, {**approval(tag, 100 + day, "campaign", decided["decided_at"] - waited), **decided}
            )
        await control.set_daily_budget(session, 1.5, "maria.lopez@renubu.demo")
