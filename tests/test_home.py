"""The manager home: its aggregations on SQLite and PostgreSQL (each test on a database of its own
module, emptied first), and its JSON endpoints, page and roles on an app over a fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from contracts.charts import Chart
from db import approvals_store, home, renewal_projection, users
from db.engine import Database
from db.migrate import upgrade
from tests.home_helpers import approval, clear, own_database, renewal, seed_home
from tests.stack import make_settings

TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def home_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    async with own_database(request.param, tmp_path_factory) as db:
        yield db


async def put(db: Database, *rows: dict[str, object]) -> None:
    await clear(db)
    async with db.transaction() as session:
        for row in rows:
            await renewal_projection.upsert(session, row)


def values(chart: Chart) -> dict[str, list[float]]:
    return {s.key: s.values for s in chart.series}


async def test_arr_at_risk_sums_open_renewals_by_stage_and_risk_band(home_db: Database) -> None:
    await put(
        home_db,
        renewal("a", 1, stage="Emergency", risk_score=90, arr=100_000.0),
        renewal("a", 2, stage="Emergency", risk_score=71, arr=40_000.0, status="in_progress"),
        renewal("a", 3, stage="Emergency", risk_score=70, arr=50_000.0),
        renewal("a", 4, stage="Critical", risk_score=40, arr=20_000.0),
        renewal("a", 5, stage="Prepare", risk_score=95, arr=10_000.0, status="completed"),
        renewal("a", 6, stage="Monitor", risk_score=80, arr=5_000.0, status="expired"),
    )
    async with home_db.session() as session:
        chart = await home.arr_at_risk(session)
    assert chart.labels == ["Emergency", "Critical", "Prepare", "Monitor"]
    assert values(chart) == {
        "high": [140_000.0, 0, 0, 0],
        "medium": [50_000.0, 0, 0, 0],
        "low": [0, 20_000.0, 0, 0],
    }
    assert chart.unit == "usd" and "$210k ARR" in chart.summary and "$140k of it" in chart.summary


async def test_renewals_due_counts_open_renewals_in_each_window(home_db: Database) -> None:
    await put(
        home_db,
        renewal("d", 1, stage="Critical", renewal_date=TODAY),
        renewal("d", 2, stage="Critical", renewal_date=TODAY + timedelta(days=7)),
        renewal("d", 3, stage="Critical", renewal_date=TODAY + timedelta(days=8)),
        renewal("d", 4, stage="Prepare", renewal_date=TODAY + timedelta(days=90)),
        renewal("d", 5, stage="Monitor", renewal_date=TODAY + timedelta(days=91)),  # beyond every window
        renewal("d", 6, stage="Critical", renewal_date=TODAY - timedelta(days=1)),  # past: not due
        renewal("d", 7, stage="Emergency", renewal_date=TODAY + timedelta(days=2), status="completed"),
    )
    async with home_db.session() as session:
        chart = await home.renewals_due(session, TODAY)
    assert chart.keys == ["7", "30", "90"]
    assert values(chart) == {
        "Emergency": [0, 0, 0],
        "Critical": [2, 3, 3],
        "Prepare": [0, 0, 1],
        "Monitor": [0, 0, 0],
    }
    assert chart.summary == "Open renewals due in the next 7 days: 2; 30 days: 3; 90 days: 4."


async def test_csm_load_splits_what_is_over_capacity(home_db: Database) -> None:
    await put(
        home_db,
        *[renewal("l", i, assigned_to="ann@x") for i in range(3)],
        renewal("l", 3, assigned_to="bob@x", status="in_progress"),
        renewal("l", 4, assigned_to="bob@x", status="completed"),
        renewal("l", 5, assigned_to="gone@x"),
    )
    async with home_db.transaction() as session:
        for email, name in (("ann@x", "Ann"), ("bob@x", "Bob"), ("gone@x", "Gone"), ("cid@x", "Cid")):
            await users.ensure_user(session, email=email, name=name, role="csm", password="x")
        await users.ensure_user(session, email="boss@x", name="Boss", role="manager", password="x")
        gone = await users.by_email(session, "gone@x")
        assert gone is not None
        gone.active = False
    async with home_db.session() as session:
        chart = await home.csm_load(session, capacity=2)
    assert chart.horizontal and chart.labels == ["Ann", "Bob", "Cid"]
    assert chart.keys == ["ann@x", "bob@x", "cid@x"]
    assert values(chart) == {"within": [2, 1, 0], "over": [1, 0, 0]}
    assert chart.summary.startswith("1 of 3 CSMs carry more than their capacity of 2")


async def test_completed_per_week_groups_outcomes_by_monday_week(home_db: Database) -> None:
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)
    await put(
        home_db,
        renewal("w", 1, status="completed", outcome_status="renewed", completed_at=monday),
        renewal("w", 2, status="completed", outcome_status="expansion_identified", completed_at=NOW),
        renewal("w", 3, status="completed", outcome_status="churned", completed_at=monday - timedelta(hours=10)),
        renewal(
            "w",
            4,
            status="completed",
            outcome_status="renewed_with_concession",
            completed_at=monday - timedelta(weeks=11),
        ),
        renewal("w", 5, status="completed", outcome_status="healthy", completed_at=monday - timedelta(weeks=3)),
        renewal("w", 6, status="completed", outcome_status="renewed", completed_at=monday - timedelta(weeks=12)),
        renewal("w", 7, status="in_progress", completed_at=None),
    )
    async with home_db.session() as session:
        chart = await home.completed_per_week(session, TODAY)
    assert len(chart.labels) == 12 and chart.keys[-1] == "2026-11-23" and chart.keys[0] == "2026-09-07"
    assert chart.labels[-1] == "Nov 23"
    got = values(chart)
    assert (got["renewed"][-1], got["expanded"][-1], got["churned"][-2], got["other"][-4]) == (1, 1, 1, 1)
    assert got["renewed"][0] == 1  # renewed with a concession counts as renewed; the 13th week back is out
    assert sum(sum(v) for v in got.values()) == 5
    assert chart.summary.startswith("5 completed in the last 12 weeks: 2 renewed, 1 expanded, 1 churned, 1 other")


async def test_approvals_waiting_by_age_and_kind(home_db: Database) -> None:
    await clear(home_db)
    async with home_db.transaction() as session:
        for i, (kind, hours) in enumerate([("campaign", 0.5), ("inbox", 2), ("inbox", 30), ("renewal", 5)]):
            await renewal_projection.upsert(session, renewal("x", i))  # not approvals: ignored
            await approvals_store.add(session, approval("x", i, kind, NOW - timedelta(hours=hours)))
        decided = {**approval("x", 9, "schedule", NOW - timedelta(hours=90)), "status": "approved"}
        await approvals_store.add(session, decided)
    async with home_db.session() as session:
        chart = await home.approvals_waiting(session, NOW)
    assert chart.keys == ["1h", "4h", "24h", "older"]
    assert values(chart) == {"campaign": [1, 0, 0, 0], "renewal": [0, 0, 1, 0], "inbox": [0, 1, 0, 1]}
    assert chart.summary == "4 approvals waiting for a manager; the oldest has waited 1.2 days."


@pytest.fixture(scope="module")
async def home_app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The API in process over a fresh SQLite database with demo-like data, and an API key per role."""
    data_dir: Path = tmp_path_factory.mktemp("home-app")
    url = f"sqlite+aiosqlite:///{data_dir / 'renubu.db'}"
    await upgrade(url)
    db = Database(url)
    keys = {}
    async with db.transaction() as session:
        for role in ("manager", "operator", "csm"):
            user = await users.ensure_user(session, email=f"{role}@x", name=role.title(), role=role, password="x")
            keys[role] = await users.create_api_key(session, user, "test")
    await seed_home(db, "api", ["csm@x"], load={"csm@x": 4})
    app = create_app(make_settings(data_dir=data_dir, database={"url": url}, club={"csm_capacity": 5}), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://renubu") as http:
        yield http, keys
    await db.dispose()


CHARTS = ["arr-at-risk", "renewals-due", "csm-load", "completed-weekly", "approvals-waiting"]


@pytest.mark.parametrize("name", CHARTS)
async def test_each_chart_is_json_with_its_click_through(
    home_app: tuple[httpx.AsyncClient, dict[str, str]], name: str
) -> None:
    http, keys = home_app
    response = await http.get(f"/api/home/charts/{name}", headers={"X-API-Key": keys["operator"]})
    assert response.status_code == 200
    chart = Chart.model_validate(response.json())
    assert chart.id == name and chart.link and not chart.empty
    assert all(len(s.values) == len(chart.labels) == len(chart.keys) for s in chart.series)


async def test_the_home_numbers_come_from_the_data(home_app: tuple[httpx.AsyncClient, dict[str, str]]) -> None:
    http, keys = home_app
    get = lambda name: http.get(f"/api/home/charts/{name}", headers={"X-API-Key": keys["manager"]})  # noqa: E731
    load = Chart.model_validate((await get("csm-load")).json())
    assert load.keys == ["csm@x"] and values(load) == {"within": [5], "over": [9]}  # 10 open + 4, capacity 5
    assert load.link == "/queue?csm={key}"
    arr = Chart.model_validate((await get("arr-at-risk")).json())
    assert sum(sum(s.values) for s in arr.series) == 1_890_000.0 + 4 * 20_000.0
    waiting = Chart.model_validate((await get("approvals-waiting")).json())
    assert sum(sum(s.values) for s in waiting.series) == 6


async def test_home_is_for_managers_and_operators(home_app: tuple[httpx.AsyncClient, dict[str, str]]) -> None:
    http, keys = home_app
    assert (await http.get("/api/home/charts/csm-load", headers={"X-API-Key": keys["csm"]})).status_code == 403
    assert (await http.get("/home", headers={"X-API-Key": keys["csm"]})).status_code == 403
    assert (await http.get("/api/home/charts/csm-load")).status_code == 401
    assert (await http.get("/api/home/charts/nope", headers={"X-API-Key": keys["manager"]})).status_code == 422
    landing = await http.get("/", headers={"X-API-Key": keys["operator"]})
    assert landing.status_code == 303 and landing.headers["location"] == "/home"
    landing = await http.get("/", headers={"X-API-Key": keys["csm"]})
    assert landing.headers["location"] == "/queue"


async def test_the_page_carries_every_chart_and_its_table(home_app: tuple[httpx.AsyncClient, dict[str, str]]) -> None:
    http, keys = home_app
    page = await http.get("/home", headers={"X-API-Key": keys["manager"]})
    assert page.status_code == 200
    for name in CHARTS:
        assert f'data-chart="/api/home/charts/{name}"' in page.text
    assert page.text.count("<table") == len(CHARTS) and "<script>" not in page.text
    assert 'href="/queue?csm=all&amp;stage=Emergency"' in page.text  # a table cell opens the filtered list
    assert 'href="/queue?csm=csm%40x"' in page.text
    assert "/static/vendor/chart.umd.min.js" in page.text


async def test_openapi_declares_the_chart_model(home_app: tuple[httpx.AsyncClient, dict[str, str]]) -> None:
    http, keys = home_app
    spec = (await http.get("/api/openapi.json", headers={"X-API-Key": keys["operator"]})).json()  # behind a login
    answer = spec["paths"]["/api/home/charts/{chart}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"]["$ref"].endswith("/Chart")
    assert {"labels", "keys", "series", "link"} <= set(spec["components"]["schemas"]["Chart"]["properties"])
