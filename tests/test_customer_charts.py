"""The customer page's charts: risk and usage over time with the signals, steps and outcomes marked, on
SQLite and PostgreSQL (rows of each test's own customer), their JSON endpoint (a CSM sees only their own
customers) and the page that carries them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from contracts.charts import Chart
from db import customer_charts
from db.engine import Database
from devstack.seed import MANAGER
from tests.chart_data import READINGS, Site, chart_site, logged_in, seed_customer

TODAY = date(2026, 11, 25)


async def test_risk_over_time_per_day_with_its_events(any_db: Database) -> None:
    customer = await seed_customer(any_db, f"r{uuid.uuid4().hex[:6]}", TODAY)
    async with any_db.session() as session:
        chart = await customer_charts.risk_over_time(session, customer, TODAY)
    assert len(chart.labels) == 21 and chart.keys[-1] == "2026-11-25" and chart.keys[0] == "2026-11-05"
    risk = {k: v for k, v in zip(chart.keys, chart.series[0].values, strict=True) if v is not None}
    assert risk == {(TODAY - timedelta(days=d)).isoformat(): float(r) for d, r, _, _ in READINGS}
    assert chart.series[0].join_gaps and chart.max_value == 100
    kinds = [(chart.keys[m.index], m.kind) for m in chart.markers]
    assert kinds == [
        ("2026-11-05", "signal"),
        ("2026-11-10", "outcome"),  # the earlier renewal, renewed
        ("2026-11-12", "signal"),
        ("2026-11-19", "signal"),
        ("2026-11-20", "step"),
        ("2026-11-23", "step"),
        ("2026-11-24", "signal"),
    ]
    step = chart.markers[4]
    # On the line drawn between the readings either side: Nov 19 (71) and Nov 24 (80), a fifth of the way.
    assert step.text == "Step completed: Review account health" and step.value == 72.8
    assert chart.markers[1].value == 47.1 and "renewed" in chart.markers[1].text
    assert [chart.keys[i] for i in chart.rows] == sorted(risk)  # the table lists the days with a reading
    assert chart.markers[0].text.startswith("Signal (usage drop): Active said risk 35")
    assert chart.summary == "4 analyses; risk now 80/100, health 38/100."


async def test_usage_is_the_weekly_history_active_reported_newest_first(any_db: Database) -> None:
    customer = await seed_customer(any_db, f"u{uuid.uuid4().hex[:6]}", TODAY)
    async with any_db.session() as session:
        chart = await customer_charts.usage_over_time(session, customer)
    # 12 weeks before the first analysis, and the weeks the later ones added: Aug 17 .. Nov 23 (Mondays).
    assert chart.keys[-1] == "2026-11-23" and len(chart.keys) == 12 + 3
    active, seats = chart.series
    assert active.values[-1] == 45 and seats.values[-1] == 110 and seats.values[0] == 120
    assert all(v is not None for v in active.values)  # every week is a stored figure, none invented
    assert {m.kind for m in chart.markers} == {"signal", "step", "outcome"}
    marker = next(m for m in chart.markers if m.kind == "step")
    assert marker.value == active.values[marker.index]
    assert chart.summary == "45 weekly active users of 110 licensed seats in the week of Nov 23."


async def test_a_customer_without_history_has_empty_charts(any_db: Database) -> None:
    async with any_db.session() as session:
        risk = await customer_charts.risk_over_time(session, "nobody", TODAY)
        usage = await customer_charts.usage_over_time(session, "nobody")
    assert risk.empty and len(risk.labels) == 14 and risk.markers == []
    assert usage.empty and usage.labels == [] and "No usage history" in usage.summary


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with chart_site(tmp_path) as s:
        yield s


async def test_customer_chart_endpoints_and_page(site: Site) -> None:
    async with logged_in(site, MANAGER[0]) as http:
        for name in ("risk", "usage"):
            response = await http.get(f"/api/customers/{site.customer}/charts/{name}")
            assert response.status_code == 200, response.text
            chart = Chart.model_validate(response.json())
            assert chart.id == name and not chart.empty and chart.markers
        assert (await http.get("/api/customers/nobody/charts/risk")).status_code == 404
        assert (await http.get(f"/api/customers/{site.customer}/charts/nps")).status_code == 422
        page = (await http.get(f"/customers/{site.customer}")).text
        spec = (await http.get("/api/openapi.json")).json()
    assert f'data-chart="/api/customers/{site.customer}/charts/risk"' in page
    assert "Step completed: Call the sponsor" in page  # the events, listed without JavaScript
    ok = spec["paths"]["/api/customers/{customer_id}/charts/{chart}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/Chart")

    async with logged_in(site, site.csm) as http:  # the customer's CSM
        assert (await http.get(f"/api/customers/{site.customer}/charts/risk")).status_code == 200
    async with logged_in(site, site.other_csm) as http:  # another CSM
        assert (await http.get(f"/api/customers/{site.customer}/charts/risk")).status_code == 403
        assert (await http.get(f"/customers/{site.customer}")).status_code == 403
