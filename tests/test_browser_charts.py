"""A customer page draws risk and usage over time with the events marked, and a journey page draws its
analytics (funnel per version, drop-off, time in step) and the flow with counts, at desktop and phone
width with no sideways scrolling. The pages run on an API of their own over their own data
(tests/chart_data.py): the shared stack's renewals and journeys are never touched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from db import intelligence_store
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import ARTIFACTS, chromium, login, screenshot
from tests.chart_data import Site, chart_site

pytestmark = pytest.mark.browser
# Line values (not the markers, which are points of their own) and marker points per canvas.
VALUES = "cs => cs.map(c => Chart.getChart(c).data.datasets.filter(d => !d.marker).flatMap(d => d.data).filter(v => v))"
MARKERS = "cs => cs.map(c => Chart.getChart(c).data.datasets.filter(d => d.marker).flatMap(d => d.data).length)"


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with chart_site(tmp_path) as s:
        yield s


async def drawn(page: Page, count: int) -> list[int]:
    await page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        f"() => document.querySelectorAll('figure[data-chart][data-chart-state=drawn]').length === {count}"
    )
    values = await page.eval_on_selector_all("figure[data-chart] canvas", VALUES)
    assert len(values) == count and all(v for v in values), values
    widths = await page.eval_on_selector_all("figure[data-chart] canvas", "cs => cs.map(c => c.clientWidth)")
    assert all(w > 200 for w in widths), widths
    return list(await page.eval_on_selector_all("figure[data-chart] canvas", MARKERS))


async def no_overflow(page: Page, what: str) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} overflows by {overflow}px at 390px"


async def add_analysis(site: Site) -> None:
    async with site.db.transaction() as session:
        row = await intelligence_store.latest_intelligence(session, site.customer)
        assert row is not None
        values = {c.name: getattr(row, c.name) for c in row.__table__.columns if c.name not in ("id", "created_at")}
        values.update(event_id=f"{row.event_id}-live", risk_score=86)
        await intelligence_store.save_intelligence(session, values)


async def test_customer_page_charts_risk_and_usage_with_events(site: Site) -> None:
    async with chromium() as browser:
        for width, height in ((1440, 900), (390, 844)):
            page = await browser.new_page(viewport={"width": width, "height": height})
            await login(page, site.url, MANAGER[0], DEMO_PASSWORD)
            await page.goto(f"{site.url}/customers/{site.customer}")
            markers = await drawn(page, 2)
            # 4 signals, 2 steps, 1 outcome on each chart (and at 390 px, the signal added live at 1440 px)
            events = 7 if width == 1440 else 8
            assert markers == [events, events], markers
            risk = page.locator("#chart-risk")
            labels = await risk.locator("canvas").evaluate("c => Chart.getChart(c).data.datasets.map(d => d.label)")
            assert labels == ["Risk score", "Health score", "Signals", "Steps completed", "Outcomes"]
            await risk.get_by_role("button", name="Show data").click()
            await expect(risk.locator(".chart-markers li")).to_have_count(events)
            await expect(risk.locator(".chart-markers")).to_contain_text("Step completed: Call the sponsor")
            if width == 1440:  # a new analysis arrives over the live feed: both charts are fetched again
                await page.wait_for_selector("body[data-live-state=open]")
                await add_analysis(site)
                await expect(risk.locator(".chart-summary")).to_contain_text("5 analyses", timeout=10_000)
                await expect(risk.locator(".chart-markers li")).to_have_count(8)
            if width == 390:
                await no_overflow(page, "the customer page")
            await page.locator("#customer-charts").scroll_into_view_if_needed()
            await screenshot(page, f"customer-{width}")
            await page.locator("#customer-charts").screenshot(path=ARTIFACTS / f"customer-{width}-charts.png")


async def test_journey_analytics_as_pictures(site: Site) -> None:
    async with chromium() as browser:
        for width, height in ((1440, 900), (390, 844)):
            page = await browser.new_page(viewport={"width": width, "height": height})
            await login(page, site.url, MANAGER[0], DEMO_PASSWORD)
            await page.goto(f"{site.url}/journeys/{site.journey}")
            await drawn(page, 3)
            funnel = await page.locator("#chart-funnel canvas").evaluate(
                "c => Chart.getChart(c).data.datasets.map(d => d.label)"
            )
            assert funnel == ["Version 1", "Version 2"]
            flow = page.locator("#chart-flow svg")
            await expect(flow).to_be_visible()
            counts = await flow.locator(".flow-count").all_text_contents()
            assert counts[:2] == ["4", "4"], counts  # the active version (2): 4 leads entered, 4 took the SMS
            if width == 390:
                await no_overflow(page, "the journey page")
            analytics = page.locator("#journey-analytics")
            await analytics.scroll_into_view_if_needed()
            await screenshot(page, f"journey-analytics-{width}")
            await analytics.screenshot(path=ARTIFACTS / f"journey-analytics-{width}-section.png")

        # Another version: the section is swapped in by htmx and its charts are drawn again, for that version.
        await page.locator("#journey-analytics select[name=version]").select_option("1")
        await page.wait_for_function(
            "() => (document.querySelector('#chart-funnel') || {dataset: {}}).dataset.chart.endsWith('version=1')"
        )
        await drawn(page, 3)
        one = await page.locator("#chart-funnel canvas").evaluate(
            "c => Chart.getChart(c).data.datasets.map(d => d.label)"
        )
        assert one == ["Version 1"]
        await expect(page.locator("#chart-flow h2")).to_contain_text("Flow of version 1")
