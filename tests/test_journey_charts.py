"""Journey analytics as pictures: the funnel per version, drop-off per step, time in step and the flow's
edge counts, on SQLite and PostgreSQL (each test a journey of its own), their JSON endpoint and the
journey page's analytics section that carries them (with the flow as an SVG)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from api.journey_flow import flow
from api.journey_view import diagram
from contracts.charts import Chart
from db import journey_charts
from db.engine import Database
from devstack.seed import OPERATOR
from journeys.library import prebuilt
from tests.chart_data import BRANCH, EMAIL, QUALIFIED, SALES, SMS, WAIT, Site, chart_site, logged_in, seed_journey

TODAY = date(2026, 11, 25)
STEPS = [SMS, SALES, WAIT, BRANCH, EMAIL, QUALIFIED]


async def journey(db: Database) -> str:
    journey_id = f"j{uuid.uuid4().hex[:6]}"
    await seed_journey(db, journey_id, TODAY)
    return journey_id


def by_key(chart: Chart) -> dict[str, list[float | None]]:
    return {s.key: s.values for s in chart.series}


async def test_funnel_has_a_bar_per_version(any_db: Database) -> None:
    journey_id = await journey(any_db)
    async with any_db.session() as session:
        every = await journey_charts.funnel(session, journey_id, None)
        second = await journey_charts.funnel(session, journey_id, 2)
    assert every.keys == STEPS and every.labels[0] == "1. instant-sms" and not every.stacked
    assert by_key(every) == {"v1": [6, 6, 5, 5, 2, 3], "v2": [4, 4, 4, 3, 1, 2]}
    assert by_key(second) == {"v2": [4, 4, 4, 3, 1, 2]}


async def test_dropoff_is_where_leads_that_left_were_last(any_db: Database) -> None:
    journey_id = await journey(any_db)
    async with any_db.session() as session:
        chart = await journey_charts.dropoff(session, journey_id, None)
        second = await journey_charts.dropoff(session, journey_id, 2)
    assert by_key(chart) == {"dropped": [0, 1, 0, 0, 0, 0]}
    assert chart.summary == "1 lead left without meeting the goal; most at step 2, tell-sales."
    assert second.empty


async def test_time_in_step_buckets_the_visits_that_ended(any_db: Database) -> None:
    journey_id = await journey(any_db)
    async with any_db.session() as session:
        chart = await journey_charts.time_in_step(session, journey_id, 1)
    got = by_key(chart)
    assert got["1m"] == [6, 0, 0, 5, 2, 3]  # the SMS, the branch, the email, the update: seconds
    assert got["1h"] == [0, 5, 0, 0, 0, 0]  # tell-sales: 10 or 15 minutes
    assert got["1d"] == [0, 0, 3, 0, 0, 0]  # waiting 5 hours for a booking
    assert got["1w"] == [0, 1, 2, 0, 0, 0]  # a day's timeout, and 3 days before exiting
    assert got["more"] == [0] * 6


async def test_flow_counts_each_edge_the_leads_took(any_db: Database) -> None:
    journey_id = await journey(any_db)
    async with any_db.session() as session:
        counts = await journey_charts.transitions(session, journey_id, 1)
    assert counts[("entry", SMS)] == 6 and counts[(SMS, SALES)] == 6 and counts[(SALES, WAIT)] == 5
    assert counts[(BRANCH, QUALIFIED)] == 3 and counts[(BRANCH, EMAIL)] == 2
    assert counts[(SALES, "exited")] == 1 and counts[(QUALIFIED, "goal_met")] == 3 and counts[(EMAIL, "completed")] == 2
    drawn = flow(diagram(prebuilt()["high-intent-fast-track"]), counts)
    edges = {(a.source, a.target): a.count for a in drawn.arrows}
    assert edges[(BRANCH, QUALIFIED)] == 3 and edges[(BRANCH, EMAIL)] == 2 and edges[(EMAIL, "end")] == 2
    assert edges[("entry", SMS)] == 6 and edges[(QUALIFIED, "end")] == 0  # goal met: they left there, not at the end
    sales = next(b for b in drawn.boxes if b.key == SALES)
    assert sales.note == "6 reached · 0 goal met · 1 left"
    assert next(b for b in drawn.boxes if b.key == QUALIFIED).note == "3 reached · 3 goal met · 0 left"


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with chart_site(tmp_path) as s:
        yield s


async def test_journey_chart_endpoints_and_the_analytics_section(site: Site) -> None:
    async with logged_in(site, OPERATOR[0]) as http:
        for name in ("funnel", "dropoff", "time-in-step"):
            response = await http.get(f"/api/journeys/{site.journey}/charts/{name}")
            assert response.status_code == 200, response.text
            chart = Chart.model_validate(response.json())
            assert chart.id == name and not chart.empty and chart.keys == STEPS
        one = Chart.model_validate((await http.get(f"/api/journeys/{site.journey}/charts/funnel?version=1")).json())
        assert [s.key for s in one.series] == ["v1"]
        assert (await http.get(f"/api/journeys/{site.journey}/charts/funnel?version=9")).status_code == 404
        assert (await http.get("/api/journeys/nope/charts/funnel")).status_code == 404
        page = (await http.get(f"/journeys/{site.journey}")).text
        section = (await http.get(f"/journeys/{site.journey}/section/analytics?version=1")).text
    assert f'data-chart="/api/journeys/{site.journey}/charts/funnel"' in page
    assert 'class="flow-svg"' in page and "Flow of version 2, leads per edge" in page
    assert f'data-chart="/api/journeys/{site.journey}/charts/funnel?version=1"' in section
    assert "Flow of version 1, leads per edge" in section and 'data-count="6"' in section
    async with logged_in(site, site.csm) as http:
        assert (await http.get(f"/api/journeys/{site.journey}/charts/funnel")).status_code == 403
