"""The builder's second round, as a manager uses it: a branch case's edge is re-pointed by dragging its end
onto another step (and by the keyboard), the YAML staying exactly what a person would write; moved steps
keep their place after a reload without the journey or its YAML changing; leaving with unpublished edits
asks first (a link, closing the tab) and publishing clears that; on a phone a finger moves a step by its
grip, re-points an edge, drags a step in from the palette (touch events, as a touch screen sends them) and
a tapped step's settings, which are under the canvas there, come into view."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.async_api import Dialog, Locator, Page, expect

from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import chromium, login, screenshot
from tests.journey_helpers import speed_up
from tests.stack import LocalStack

pytestmark = pytest.mark.browser


# What closing the tab runs: the builder's beforeunload handler, which cancels it (the browser then asks).
UNLOAD_ASKS = (
    "() => { const e = new Event('beforeunload', {cancelable: true}); dispatchEvent(e); return e.defaultPrevented; }"
)


def branching(journey_id: str) -> dict[str, Any]:
    opened = {"all": [{"type": "behavior", "field": "opened", "operator": "exists"}]}
    return {
        "id": journey_id,
        "name": "Re-pointed",
        "trigger": {"type": "webhook"},
        "steps": [
            {"id": "hello", "type": "send", "channel": "email", "subject": "Hi {first_name}", "body": "Welcome!"},
            {"id": "check", "type": "branch", "cases": [{"when": opened, "next": "nudge"}], "default": "end"},
            {"id": "nudge", "type": "send", "channel": "sms", "body": "Still keen?"},
            {"id": "bye", "type": "exit", "reason": "done"},
        ],
    }


async def published(stack: LocalStack) -> tuple[str, str]:
    """A fresh journey with a branch, published as a manager would from the canvas: its id and YAML."""
    journey_id = f"repoint-{uuid.uuid4().hex[:6]}"
    async with stack.browser_session(MANAGER[0]) as http:
        response = await http.post("/api/journeys/new/builder/publish", json={"definition": branching(journey_id)})
    assert response.status_code == 201, response.text
    return journey_id, response.json()["yaml"]


async def open_builder(page: Page, stack: LocalStack, journey_id: str) -> None:
    await page.goto(f"{stack.api_url}/journeys/{journey_id}/builder")
    await expect(page.locator("#journey-builder[data-ready=true]")).to_be_attached()
    await expect(page.locator("#jb-valid")).to_have_text("Valid: ready to publish")  # checked: drawn for the last time


def node(page: Page, step: str) -> Locator:
    return page.locator(f"#jb-svg .jb-node[data-step={step}]")


def handle(page: Page, step: str, slot: str) -> Locator:
    return page.locator(f'#jb-svg .jb-edge-end[data-from={step}][data-slot="{slot}"]')


async def centre(target: Locator, dy: float = 0) -> tuple[float, float]:
    box = await target.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + dy


async def ends(source: Locator, target: Locator, dy: float = 0) -> tuple[tuple[float, float], tuple[float, float]]:
    """Where a drag starts and ends, both on screen at once (a finger cannot scroll in the middle)."""
    await target.scroll_into_view_if_needed()
    await source.scroll_into_view_if_needed()
    start, end = await centre(source), await centre(target, dy)
    height = await source.page.evaluate("window.innerHeight")
    assert 0 < start[1] < height and 0 < end[1] < height, "both ends of the drag must be on screen"
    return start, end


async def mouse_drag(page: Page, source: tuple[float, float], target: tuple[float, float]) -> None:
    await page.mouse.move(*source)
    await page.mouse.down()
    for k in range(1, 11):  # a hand moves in steps; each one redraws the drag
        await page.mouse.move(
            source[0] + (target[0] - source[0]) * k / 10, source[1] + (target[1] - source[1]) * k / 10
        )
    await page.mouse.up()


async def test_repoint_branch_edges_save_positions_and_warn_before_leaving(stack: LocalStack) -> None:
    await speed_up(stack)
    journey_id, source = await published(stack)
    dialogs: list[str] = []
    answer = {"accept": False}

    async def on_dialog(dialog: Dialog) -> None:  # the manager's answer to "leave the page?"
        dialogs.append(dialog.type)
        await (dialog.accept() if answer["accept"] else dialog.dismiss())

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 1000})
        page.on("dialog", on_dialog)
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await open_builder(page, stack, journey_id)
        status, yaml_text, dirty = page.locator("#jb-status"), page.locator("#jb-yaml"), page.locator("#jb-dirty")

        # moving steps (mouse, then Alt+arrow) saves where they are, and is not an unsaved change
        before = await node(page, "bye").get_attribute("transform")
        await node(page, "bye").scroll_into_view_if_needed()
        x, y = await centre(node(page, "bye"))
        await mouse_drag(page, (x - 60, y), (x + 260, y + 40))
        await expect(status).to_have_text("Moved step 4; saved.")
        moved = await node(page, "bye").get_attribute("transform")
        assert moved != before
        await node(page, "nudge").focus()
        await page.keyboard.press("Alt+ArrowDown")
        await expect(status).to_have_text("Moved step 3; saved.")
        nudged = await node(page, "nudge").get_attribute("transform")
        await expect(dirty).to_be_hidden()
        await page.reload()
        await expect(page.locator("#jb-valid")).to_have_text("Valid: ready to publish")
        assert dialogs == []  # nothing to lose: no question
        assert await node(page, "bye").get_attribute("transform") == moved
        assert await node(page, "nudge").get_attribute("transform") == nudged
        builder = await page.request.get(f"{stack.api_url}/api/journeys/{journey_id}/builder")
        assert (await builder.json())["yaml"] == source  # positions live beside the journey, never in it
        assert set((await builder.json())["positions"]) == {"bye", "nudge"}
        await expect(yaml_text).to_have_text(source)

        # a branch case's edge: drag its end onto another step
        await mouse_drag(page, *await ends(handle(page, "check", "case:0"), node(page, "bye")))
        await expect(status).to_have_text("Step 2 case 1 now goes to bye.")
        repointed = source.replace("        next: nudge\n", "        next: bye\n")
        await expect(yaml_text).to_have_text(repointed)
        await expect(page.locator("#jb-panel select[name=case_0_next]")).to_have_value("bye")
        # the keyboard path: Enter on the edge's end, then Enter on the step it should go to
        await handle(page, "check", "default").focus()
        await page.keyboard.press("Enter")
        await expect(status).to_contain_text("Connecting step 2 (otherwise)")
        await node(page, "nudge").focus()
        await page.keyboard.press("Enter")
        await expect(status).to_have_text("Step 2 now goes to nudge (otherwise).")
        final = repointed.replace("    default: end\n", "    default: nudge\n")
        await expect(yaml_text).to_have_text(final)
        await expect(dirty).to_be_visible()
        await screenshot(page, "journey-builder-repoint-1440")

        # leaving with edits asks first; staying keeps them
        async with page.expect_event("dialog"):
            await page.get_by_role("link", name="← Journeys").click(no_wait_after=True)
        await page.wait_for_function("() => true")  # the answer (stay) has been given by now
        assert dialogs == ["beforeunload"]
        await expect(yaml_text).to_have_text(final)
        assert page.url.endswith(f"/journeys/{journey_id}/builder")

        # publishing clears it: the next link just goes, and the version is the YAML shown
        await page.get_by_role("button", name="Publish from the canvas").click()
        await expect(page.locator("#jb-publish-result")).to_contain_text("Published version 2")
        await expect(dirty).to_be_hidden()
        journey = await page.request.get(f"{stack.api_url}/api/journeys/{journey_id}")
        assert (await journey.json())["source"] == final
        await page.get_by_role("link", name="← Journeys").click()
        await page.wait_for_function("() => location.pathname === '/journeys'")
        assert dialogs == ["beforeunload"]

        # closing the tab or reloading with edits asks too; leaving anyway drops them
        await open_builder(page, stack, journey_id)
        assert await node(page, "bye").get_attribute("transform") == moved  # kept across versions
        await node(page, "hello").click()
        await page.locator("#jb-panel input[name=step_name]").fill("Say hello")
        await expect(dirty).to_be_visible()
        # headless Chromium closes a tab without asking; the question it would ask is the event's default
        assert await page.evaluate(UNLOAD_ASKS) is True
        answer["accept"] = True
        async with page.expect_event("dialog"):
            await page.reload(wait_until="commit")
        await expect(page.locator("#jb-valid")).to_have_text("Valid: ready to publish")
        assert dialogs == ["beforeunload", "beforeunload"]
        await expect(yaml_text).to_have_text(final)
        assert await page.evaluate(UNLOAD_ASKS) is False


async def touch_drag(page: Page, source: tuple[float, float], target: tuple[float, float]) -> None:
    """A finger, through the same input pipeline as a touch screen (so touch-action and scrolling apply)."""
    cdp = await page.context.new_cdp_session(page)
    point = {"x": source[0], "y": source[1]}
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    for k in range(1, 11):
        point = {"x": source[0] + (target[0] - source[0]) * k / 10, "y": source[1] + (target[1] - source[1]) * k / 10}
        await cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    await cdp.detach()


async def test_a_finger_moves_repoints_and_adds_steps_on_a_phone(stack: LocalStack) -> None:
    await speed_up(stack)
    journey_id, source = await published(stack)
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        page = await context.new_page()
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await open_builder(page, stack, journey_id)
        status, yaml_text = page.locator("#jb-status"), page.locator("#jb-yaml")
        before = await node(page, "nudge").get_attribute("transform")
        await node(page, "nudge").scroll_into_view_if_needed()
        x, y = await centre(node(page, "nudge").locator(".jb-grip"))
        await touch_drag(page, (x, y), (x - 150, y + 60))
        await expect(status).to_have_text("Moved step 3; saved.")
        moved = await node(page, "nudge").get_attribute("transform")
        assert moved != before
        await page.reload()
        await expect(page.locator("#jb-valid")).to_have_text("Valid: ready to publish")
        assert await node(page, "nudge").get_attribute("transform") == moved

        await touch_drag(page, *await ends(handle(page, "check", "default"), node(page, "bye")))
        await expect(status).to_have_text("Step 2 now goes to bye (otherwise).")
        await expect(yaml_text).to_have_text(source.replace("    default: end\n", "    default: bye\n"))

        steps = page.locator("#jb-svg .jb-node[data-step^=wait]")
        tool = page.locator(".jb-tool[data-kind=wait]")
        await touch_drag(page, *await ends(tool, node(page, "hello"), dy=-20))  # just above the first step
        await expect(steps).to_have_count(1)
        await expect(page.locator("#jb-panel h3")).to_have_text("Step 1 · Wait")
        # the settings are under the canvas here: a tapped step's come into view, and a link goes back
        await node(page, "bye").tap()
        await expect(page.locator("#jb-panel h3")).to_have_text("Step 5 · Exit")
        await expect(page.locator("#jb-panel h3")).to_be_in_viewport()
        await page.get_by_role("link", name="↑ Back to the canvas").tap()
        await expect(page.locator("#jb-scroll")).to_be_in_viewport()
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the builder overflows by {overflow}px at 390px"
        await screenshot(page, "journey-builder-touch-390")
