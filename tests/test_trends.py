"""The analytics and command-center trend charts: their aggregations on SQLite and PostgreSQL (a database
of this module's own, emptied before each test), their JSON endpoints and the pages that carry them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from contracts.charts import Chart
from db import approvals_store, renewal_projection, trends, users
from db.engine import Database
from db.models import Agent, AgentRun, OutboxEntry
from devstack.seed import MANAGER, OPERATOR
from tests.home_helpers import approval, clear, own_database, renewal
from tests.stack import LocalStack

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)
YESTERDAY = NOW - timedelta(days=1)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def trends_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    async with own_database(request.param, tmp_path_factory) as db:
        yield db


def values(chart: Chart) -> dict[str, list[float]]:
    return {s.key: s.values for s in chart.series}


async def put(db: Database, *rows: Any) -> None:
    await clear(db)
    async with db.transaction() as session:
        for row in rows:
            if isinstance(row, dict):
                await renewal_projection.upsert(session, row)
            else:
                session.add(row)
                await session.flush()


def run(n: int, agent: str, status: str, at: datetime, cost: float = 0.0) -> AgentRun:
    return AgentRun(
        id=f"agent-run-{agent}-{n}", agent_id=agent, trigger="schedule", status=status, planner="offline",
        dry_run=False, tools_used=[], cost_usd=cost, started_at=at,
    )  # fmt: skip


def agent(agent_id: str, name: str) -> Agent:
    return Agent(id=agent_id, name=name, goal="g", schedule={"every_minutes": 60})


def sent(n: int, channel: str | None, at: datetime, state: str = "sent") -> OutboxEntry:
    return OutboxEntry(
        idempotency_key=f"k{n}", kind="sms", target="t", payload={}, state=state, channel=channel,
        created_at=at, updated_at=at,
    )  # fmt: skip


async def test_completions_per_day_by_type_over_thirty_days(trends_db: Database) -> None:
    done = {"status": "completed"}
    await put(
        trends_db,
        renewal("c", 1, **done, definition_id="critical-renewal", completed_at=NOW),
        renewal("c", 2, **done, definition_id="critical-renewal", completed_at=YESTERDAY),
        renewal("c", 3, **done, definition_id="prepare-renewal", completed_at=NOW),
        renewal("c", 4, **done, definition_id="prepare-renewal", completed_at=NOW - timedelta(days=30)),
        renewal("c", 5, status="in_progress", definition_id="monitor-renewal"),
    )
    async with trends_db.session() as session:
        chart = await trends.completions_per_day(session, TODAY)
    assert len(chart.labels) == 30 and chart.keys[-1] == "2026-11-25" and chart.keys[0] == "2026-10-27"
    got = values(chart)
    assert set(got) == {"critical-renewal", "prepare-renewal"}
    assert got["critical-renewal"][-2:] == [1, 1] and got["prepare-renewal"][-1] == 1
    assert sum(got["prepare-renewal"]) == 1 and chart.summary.startswith("3 workflows completed")


async def test_outcomes_per_type_and_per_csm(trends_db: Database) -> None:
    done = {"status": "completed", "completed_at": NOW}
    await put(
        trends_db,
        renewal("o", 1, **done, definition_id="critical-renewal", outcome_status="renewed", assigned_to="ann@x"),
        renewal("o", 2, **done, definition_id="critical-renewal", outcome_status="churned", assigned_to="bob@x"),
        renewal("o", 3, **done, definition_id="critical-renewal", outcome_status="churned", assigned_to="bob@x"),
        renewal("o", 4, **done, definition_id="prepare-renewal", outcome_status="plan_in_place", assigned_to="ann@x"),
        renewal(
            "o", 5, **done, definition_id="prepare-renewal", outcome_status="expansion_identified", assigned_to="ann@x"
        ),
        renewal("o", 6, definition_id="prepare-renewal", outcome_status=None, assigned_to="ann@x"),  # open
    )
    async with trends_db.transaction() as session:
        await users.ensure_user(session, email="ann@x", name="Ann", role="csm", password="x")
    async with trends_db.session() as session:
        per_type = await trends.outcomes_per_type(session)
        per_csm = await trends.outcomes_per_csm(session)
    assert per_type.keys == ["critical-renewal", "prepare-renewal"] and per_type.labels[0] == "Critical renewal"
    assert values(per_type) == {"renewed": [1, 0], "expanded": [0, 1], "churned": [2, 0], "other": [0, 1]}
    assert per_csm.keys == ["ann@x", "bob@x"] and per_csm.labels == ["Ann", "bob@x"]  # a name where there is one
    assert values(per_csm) == {"renewed": [1, 0], "expanded": [1, 0], "churned": [0, 2], "other": [1, 0]}
    assert per_csm.summary.endswith("most churned: bob@x.")


async def test_runs_per_day_and_per_agent_by_result(trends_db: Database) -> None:
    await put(
        trends_db,
        agent("past_due_monitor", "Past-Due Monitor"),
        agent("daily_campaigns", "Daily Campaigns"),
        run(1, "past_due_monitor", "succeeded", NOW),
        run(2, "past_due_monitor", "failed", NOW),
        run(3, "daily_campaigns", "succeeded", YESTERDAY),
        run(4, "daily_campaigns", "succeeded", NOW - timedelta(days=14)),  # before the window
    )
    async with trends_db.session() as session:
        per_day = await trends.runs_per_day(session, TODAY)
        per_agent = await trends.runs_per_agent(session, TODAY)
    assert len(per_day.labels) == 14 and [s.key for s in per_day.series] == ["succeeded", "failed"]
    assert values(per_day)["succeeded"][-2:] == [1, 1] and values(per_day)["failed"][-1] == 1
    assert per_day.summary == "3 runs in the last 14 days; 1 failed or killed."
    assert per_agent.labels == ["Daily Campaigns", "Past-Due Monitor"] and per_agent.link is None
    assert values(per_agent) == {"succeeded": [1, 1], "failed": [0, 1]}


async def test_cost_per_day_by_agent_against_the_budget(trends_db: Database) -> None:
    await put(
        trends_db,
        agent("past_due_monitor", "Past-Due Monitor"),
        agent("daily_campaigns", "Daily Campaigns"),
        run(1, "past_due_monitor", "succeeded", NOW, cost=0.5),
        run(2, "daily_campaigns", "succeeded", NOW, cost=0.75),
        run(3, "daily_campaigns", "succeeded", YESTERDAY, cost=0.25),
    )
    async with trends_db.session() as session:
        with_budget = await trends.cost_per_day(session, TODAY, budget=1.0)
        without = await trends.cost_per_day(session, TODAY, budget=None)
    assert with_budget.unit == "usd"
    got = values(with_budget)
    assert got["daily_campaigns"][-2:] == [0.25, 0.75] and got["past_due_monitor"][-1] == 0.5
    line = with_budget.series[-1]
    assert (line.kind, line.key, set(line.values)) == ("line", "budget", {1.0})
    assert with_budget.summary == "$1.50 spent in the last 14 days; over the $1.00 budget on 1 of 14 days."
    assert "budget" not in values(without) and without.summary.endswith("no daily budget set.")


async def test_messages_sent_per_day_by_channel(trends_db: Database) -> None:
    await put(
        trends_db,
        sent(1, "sms", NOW),
        sent(2, "sms", NOW),
        sent(3, "email", YESTERDAY),
        sent(4, "email", NOW, state="queued"),
        sent(5, None, NOW),  # a door lock, not a message
        sent(6, "sms", NOW - timedelta(days=20)),
    )
    async with trends_db.session() as session:
        chart = await trends.messages_per_channel(session, TODAY)
    got = values(chart)
    assert got["sms"][-1] == 2 and got["email"][-2:] == [1, 0] and sum(got["sms"]) == 2
    assert [s.name for s in chart.series] == ["Email", "SMS"]
    assert chart.summary == "Messages sent in the last 14 days: 1 by email, 2 by SMS."


async def test_average_duration_per_type_per_week_with_gaps(trends_db: Database) -> None:
    done = {"status": "completed"}
    await put(
        trends_db,
        renewal("u", 1, **done, definition_id="critical-renewal", completed_at=NOW, duration_s=3600.0),
        renewal("u", 2, **done, definition_id="critical-renewal", completed_at=NOW, duration_s=3 * 3600.0),
        renewal(
            "u", 3, **done, definition_id="critical-renewal", completed_at=NOW - timedelta(weeks=2), duration_s=7200.0
        ),
        renewal("u", 4, **done, definition_id="qbr", completed_at=NOW, duration_s=None),  # no duration: left out
    )
    async with trends_db.session() as session:
        chart = await trends.duration_per_type(session, TODAY)
    assert chart.unit == "hours" and not chart.stacked and chart.keys[-1] == "2026-11-23"
    assert [(s.key, s.kind) for s in chart.series] == [("critical-renewal", "line")]
    assert chart.series[0].values[-3:] == [2.0, None, 2.0]  # a week with nothing is a gap, not a zero


async def test_outbox_per_state_and_approval_waits(trends_db: Database) -> None:
    await put(
        trends_db,
        sent(1, "sms", NOW),
        sent(2, None, NOW, state="failed"),
        sent(3, "email", YESTERDAY, state="queued"),
        sent(4, "sms", NOW - timedelta(days=20), state="rejected"),
    )
    async with trends_db.transaction() as session:
        for i, (status, waited, decided) in enumerate(
            [("approved", 0.5, NOW), ("approved", 30, YESTERDAY), ("expired", 24.5, NOW), ("denied", 2, NOW)]
        ):
            row = approval("w", i, "campaign", decided - timedelta(hours=waited))
            await approvals_store.add(session, {**row, "status": status, "decided_at": decided})
        await approvals_store.add(session, approval("w", 9, "inbox", NOW))  # still pending
    async with trends_db.session() as session:
        outbox = await trends.outbox_per_state(session, TODAY)
        waits = await trends.approval_waits(session, TODAY)
    got = values(outbox)
    assert set(got) == {"sent", "failed", "queued"} and got["sent"][-1] == 1 and got["queued"][-2] == 1
    assert outbox.summary == "3 outbound actions in the last 14 days; 1 failed or rejected."
    assert values(waits) == {"approved": [1, 0, 0, 1], "denied": [0, 1, 0, 0], "expired": [0, 0, 0, 1]}
    assert waits.summary.startswith("4 approvals decided or expired")


TRENDS = [
    "completions-per-day",
    "duration-per-type",
    "outcomes-per-type",
    "outcomes-per-csm",
    "runs-per-day",
    "runs-per-agent",
    "cost-per-day",
    "messages-per-channel",
    "outbox-per-state",
    "approval-waits",
]


async def test_trend_endpoints_and_the_pages_that_draw_them(stack: LocalStack) -> None:
    """Read-only on the shared stack: the endpoints answer charts, the pages carry their figures."""
    async with stack.browser_session(OPERATOR[0]) as http:
        for name in TRENDS:
            response = await http.get(f"/api/trends/{name}")
            assert response.status_code == 200, name
            chart = Chart.model_validate(response.json())
            assert chart.id == name and all(len(s.values) == len(chart.labels) for s in chart.series)
        analytics = (await http.get("/analytics")).text
        command = (await http.get("/command")).text
        spec = (await http.get("/api/openapi.json")).json()
    for name in TRENDS[:4]:
        assert f'data-chart="/api/trends/{name}"' in analytics
    for name in TRENDS[4:]:
        assert f'data-chart="/api/trends/{name}"' in command
    assert 'data-live="run control"' in command and "<script>" not in command
    assert spec["paths"]["/api/trends/{chart}"]["get"]["responses"]["200"]["content"]["application/json"]
    csm = stack.sandbox.data.csms[0].email
    async with stack.browser_session(csm) as http:
        assert (await http.get("/api/trends/runs-per-day")).status_code == 403
    async with stack.browser_session(MANAGER[0]) as http:
        assert (await http.get("/api/trends/nothing")).status_code == 422
