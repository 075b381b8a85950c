"""Headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright, expect

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# The one place that says how long a server round trip may take: what the pages show arrives through
# the worker, the database and the live feed, which a busy machine slows. Assertions still wait for
# the state that matters and return as soon as it is there.
ROUND_TRIP_MS = 30_000
expect.set_options(timeout=ROUND_TRIP_MS)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        try:
            yield browser
        finally:
            await browser.close()


async def login(page: Page, base_url: str, email: str, password: str) -> None:
    await page.goto(f"{base_url}/login")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")


async def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
