"""A manager lands on the home page and sees every chart drawn from demo-like data, at desktop and
phone width; a bar opens the filtered list behind it; "Show data" shows the same numbers.

The page runs on an API of its own over its own database (no worker, no Temporal): the shared stack's
renewals and CSM queues, which other browser tests work, are never touched."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from temporalio.client import Client

from api.app import create_app
from db import approvals_store, users
from db.engine import Database
from db.migrate import upgrade
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import ARTIFACTS, chromium, login, screenshot
from tests.home_helpers import approval, seed_command, seed_home
from tests.stack import make_settings, serve

pytestmark = pytest.mark.browser
CSMS = [("Sarah Chen", "senior"), ("Marcus Webb", "mid"), ("Priya Nair", "principal"), ("Tom Okafor", "junior")]
CHARTS = 5


@dataclass
class Site:
    url: str
    db: Database


@pytest.fixture
async def home_site(tmp_path: Path, temporal_client: Client) -> AsyncIterator[Site]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'renubu.db'}"
    await upgrade(url)
    db = Database(url)
    emails = [f"{name.split()[0].lower()}@home.test" for name, _ in CSMS]
    async with db.transaction() as session:
        await users.ensure_user(session, email=MANAGER[0], name=MANAGER[1], role="manager", password=DEMO_PASSWORD)
        for email, (name, experience) in zip(emails, CSMS, strict=True):
            await users.ensure_user(session, email=email, name=name, role="csm", password="x", experience=experience)
    tag = f"home-{uuid.uuid4().hex[:6]}"
    await seed_home(db, tag, emails, load={emails[0]: 31, emails[1]: 18})
    await seed_command(db, tag)
    # Temporal only for the agent cards' next run times (read-only: these agents have no schedules here).
    settings = make_settings(data_dir=tmp_path, database={"url": url}, temporal={"task_queue": f"renubu-home-{tag}"})
    app = create_app(settings, db=db, temporal_factory=lambda: _client(temporal_client))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    async with serve(app, sock):
        yield Site(f"http://127.0.0.1:{sock.getsockname()[1]}", db)
    await db.dispose()


async def _client(client: Client) -> Client:
    return client


async def charts_drawn(page: Page, count: int = CHARTS) -> None:
    await page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        f"() => document.querySelectorAll('figure[data-chart-state=drawn]').length === {count}"
    )
    totals = await page.eval_on_selector_all(
        "figure[data-chart] canvas",
        "cs => cs.map(c => Chart.getChart(c).data.datasets.flatMap(d => d.data).reduce((a, b) => a + b, 0))",
    )
    assert len(totals) == count and all(t > 0 for t in totals), totals
    sizes = await page.eval_on_selector_all("figure[data-chart] canvas", "cs => cs.map(c => c.clientWidth)")
    assert all(w > 200 for w in sizes), sizes


async def test_manager_home_charts_at_desktop_and_phone_width(home_site: Site) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, home_site.url, MANAGER[0], DEMO_PASSWORD)
        assert page.url.endswith("/home")
        await charts_drawn(page)
        await screenshot(page, "home-1440")

        # A new approval arrives over the live feed: its chart and table are fetched again, no reload.
        await page.wait_for_selector("body[data-live-state=open]")
        await page.evaluate("window.notReloaded = true")
        async with home_site.db.transaction() as session:
            await approvals_store.add(session, approval("live", 1, "renewal", datetime.now(UTC)))
        waiting = page.locator("#chart-approvals-waiting")
        await expect(waiting.locator(".chart-summary")).to_contain_text("7 approvals waiting", timeout=10_000)
        assert (
            await waiting.locator("canvas").evaluate(
                "c => Chart.getChart(c).data.datasets.flatMap(d => d.data).reduce((a, b) => a + b, 0)"
            )
            == 7
        )
        assert await page.evaluate("window.notReloaded === true")

        load = page.locator("#chart-csm-load")
        table = load.locator(".chart-table")
        await expect(table).to_have_class("chart-table sr-only")  # read by screen readers, hidden from the eye
        await load.get_by_role("button", name="Show data").click()
        await expect(table).to_be_visible()
        await expect(table.locator("tbody tr").first).to_contain_text("Sarah Chen")
        await expect(load.get_by_role("button", name="Hide data")).to_have_attribute("aria-expanded", "true")
        await load.screenshot(path=ARTIFACTS / "home-csm-load-data.png")

        # The first bar (the most loaded CSM) opens their queue.
        x, y = await load.locator("canvas").evaluate(
            "c => { const bar = Chart.getChart(c).getDatasetMeta(0).data[0]; return [bar.x - 5, bar.y]; }"
        )
        box = await load.locator("canvas").bounding_box()
        assert box is not None
        await page.mouse.click(box["x"] + x, box["y"] + y)
        await page.wait_for_url("**/queue?csm=sarah%40home.test")

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, home_site.url, MANAGER[0], DEMO_PASSWORD)
        await charts_drawn(phone)
        overflow = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the home page overflows by {overflow}px at 390px"
        await screenshot(phone, "home-390")


@pytest.mark.parametrize(("path", "count"), [("/analytics", 4), ("/command", 6)])
async def test_analytics_and_command_center_charts(home_site: Site, path: str, count: int) -> None:
    name = path.strip("/")
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        await login(page, home_site.url, MANAGER[0], DEMO_PASSWORD)
        await page.goto(f"{home_site.url}{path}")
        await charts_drawn(page, count)
        await page.locator(".chart-grid").scroll_into_view_if_needed()
        await screenshot(page, f"{name}-1440")
        if path == "/command":  # the budget is a line over the day's cost, not a bar stacked on it
            kinds = await page.locator("#chart-cost-per-day canvas").evaluate(
                "c => Chart.getChart(c).data.datasets.map(d => d.type)"
            )
            assert kinds[-1] == "line" and set(kinds[:-1]) == {"bar"}

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, home_site.url, MANAGER[0], DEMO_PASSWORD)
        await phone.goto(f"{home_site.url}{path}")
        await charts_drawn(phone, count)
        overflow = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} overflows by {overflow}px at 390px"
        await screenshot(phone, f"{name}-390")
        await phone.locator(".chart-grid").screenshot(path=ARTIFACTS / f"{name}-390-charts.png")  # the charts alone
