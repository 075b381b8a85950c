"""The dense table of renewals in the browser: the home page's "renewals due" bar opens it filtered by its
stage and days, each column sorts (again to flip), the filters live in the URL so a link reproduces the view,
and at 390 px the table scrolls sideways inside its box while the page does not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.async_api import Page, expect

from db import users
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.desk_helpers import clear, fill, no_sideways_scroll
from tests.stack import LocalStack

pytestmark = pytest.mark.browser
ROWS = "#queue tr.qrow"


@pytest.fixture
async def fillers(stack: LocalStack) -> AsyncIterator[None]:
    yield
    await clear(stack)


async def column(page: Page, index: int) -> list[str]:
    return await page.locator(f"{ROWS} td:nth-child({index})").all_inner_texts()


@pytest.mark.parametrize("width", [1440, 390])
async def test_the_table_filters_sorts_and_reproduces_from_its_link(
    stack: LocalStack, fillers: None, width: int
) -> None:
    async with stack.db.session() as session:
        csm = (await users.csms(session))[0].email
    await fill(stack, csm)
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": width, "height": 900 if width > 400 else 844})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)

        # The home page's "due within 30 days, Critical" number opens the table with that filter.
        await page.goto(f"{stack.api_url}/home")
        href = await page.locator("a[href*='due=30'][href*='stage=Critical']").first.get_attribute("href")
        assert href is not None and parse_qs(urlparse(href).query)["view"] == ["table"]
        await page.goto(f"{stack.api_url}{href}")
        await expect(page.locator("select[name=due]")).to_have_value("30")
        await expect(page.locator(ROWS).first).to_be_visible()
        assert all(stage.startswith("Critical") for stage in await column(page, 2))
        assert all(int(days) <= 30 for days in await column(page, 3))

        # Search and sort, all in the URL: risk highest first, then flipped by its heading.
        await page.goto(f"{stack.api_url}/queue?csm=all&view=table&q=desk+filler&sort=risk&dir=desc")
        risks = [int(r) for r in await column(page, 4)]
        assert len(risks) == 12 and risks == sorted(risks, reverse=True)
        await page.locator("th[aria-sort=descending] a").click()
        await expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Risk")
        assert "dir=asc" in page.url
        risks = [int(r) for r in await column(page, 4)]
        assert risks == sorted(risks)
        await page.locator("th a", has_text="Customer").click()
        await expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Customer")
        names = await column(page, 1)
        assert names == sorted(names, key=str.lower) and len(names) == 12

        # The link reproduces the view: another page, the same rows in the same order.
        again = await browser.new_page(viewport={"width": width, "height": 900})
        await login(again, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await again.goto(page.url)
        assert await column(again, 1) == names
        await expect(again.locator("input[name=q]")).to_have_value("desk filler")

        if width < 400:
            await no_sideways_scroll(page)
            box = page.locator(".table-scroll")
            assert await box.evaluate("(el) => el.scrollWidth > el.clientWidth")  # the table scrolls, inside
        await screenshot(page, f"desk-table-{width}")
