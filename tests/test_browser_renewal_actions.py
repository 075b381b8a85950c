"""A CSM works one renewal of each definition in the dashboard (headless Chromium), pressing the buttons of
its richest planned walk, and each click leaves the same real effect the JSON API matrix checks
(tests/renewal_effects.py): the Salesforce task, the draft, the approved email, the recorded step.
A screenshot of the renewal page after the first click of each action type goes to tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from contracts.renewal_definitions import Button, Step, WorkflowDefinition
from devstack.seed import DEMO_PASSWORD
from tests.browser import chromium, login, screenshot
from tests.renewal_effects import Run, effect_of, no_failure_since
from tests.renewal_paths import Walk, plan, reachable_definitions
from tests.stack import LocalStack
from tests.test_renewal_every_action import FIRST_ACCOUNT, LAST_ACCOUNT, MATRIX, renewal_run

pytestmark = pytest.mark.browser
DEFINITIONS = reachable_definitions()
SHOT = set[str]()  # action types already photographed in this session
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


def _actions(walks: list[Walk]) -> set[str]:
    return {str(c.button.action) for w in walks for c in w.clicks}


def browser_walks() -> dict[str, list[Walk]]:
    """Per definition, the planned run pressing the most kinds of button the earlier definitions' runs
    did not (then the most kinds): together they press every kind in the browser."""
    chosen: dict[str, list[Walk]] = {}
    for definition in DEFINITIONS:
        seen = set().union(*(_actions(w) for w in chosen.values()))
        chosen[definition.id] = max(plan(definition), key=lambda w: (len(_actions(w) - seen), len(_actions(w))))
    return chosen


WALKS = browser_walks()


async def _click_choice(page: Page, button: Button) -> None:
    before = await page.locator("#messages .msg").count()
    await page.locator(".buttons button.choice", has_text=button.label).first.click()
    # The panel is replaced once the workflow has answered: the CSM's choice and at least the reply are in.
    await page.wait_for_function(
        f"() => document.querySelectorAll('#messages .msg').length >= {before + 2}"
        " && !document.querySelector('.htmx-request')"
    )


async def _complete_step(page: Page, button: Button, outcome: str, done: int) -> None:
    await page.locator(".buttons button", has_text=button.label).first.click()
    await page.wait_for_function("() => document.getElementById('complete-step').open")
    await page.locator(f"#complete-step input[name=outcome][value={outcome}]").check()
    await page.locator("#complete-step textarea[name=notes]").fill(f"{button.label} in the browser")
    await page.locator("#complete-step button[type=submit]").click()
    await page.wait_for_function(f"() => document.querySelectorAll('.step.done').length >= {done}")


async def _photograph(page: Page, action: str) -> None:
    """The page at desktop width, then the same page at phone width (no reload: the CSS reflows)."""
    if action in SHOT:
        return
    SHOT.add(action)
    await screenshot(page, f"e2e-{action}-1440")
    await page.set_viewport_size(PHONE)
    try:
        await screenshot(page, f"e2e-{action}-390")
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), action
    finally:
        await page.set_viewport_size(DESKTOP)


async def _press(run: Run, page: Page, step: Step, button: Button, done: int) -> None:
    before = await run.refresh()
    effect = effect_of(button)
    if button.action == "completeStep":
        await _complete_step(page, button, step.outcomes[0], done)
    else:
        await _click_choice(page, button)
    assert await page.locator(".flash.error").count() == 0, await page.locator(".flash.error").all_inner_texts()
    after = await run.refresh()
    no_failure_since(before, after)
    await effect(run, step, button, before, after)
    if button.action == "sendOutreach":  # the manager approved it meanwhile: the page shows what was sent
        await page.reload()
        await page.wait_for_selector("#renewal-panel")
    await _photograph(page, str(button.action))


def test_the_browser_walks_press_every_kind_of_button() -> None:
    used = {
        str(b.action)
        for d in DEFINITIONS
        for s in d.steps
        for node in [s.chat.initial_message, *s.chat.branches.values()]
        for b in node.buttons
    }
    assert set().union(*(_actions(w) for w in WALKS.values())) == used


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d.id for d in DEFINITIONS])
async def test_csm_presses_every_kind_of_button_in_the_dashboard(
    stack: LocalStack, definition: WorkflowDefinition
) -> None:
    index = FIRST_ACCOUNT + len(MATRIX) + DEFINITIONS.index(definition)
    assert index <= LAST_ACCOUNT
    async with renewal_run(stack, definition, index) as run, chromium() as browser:
        page = await browser.new_page(viewport=DESKTOP)
        await login(page, stack.api_url, run.state.assigned_to, DEMO_PASSWORD)
        await page.goto(f"{stack.api_url}/renewals/{run.wf_id}")
        await page.get_by_role("button", name="Start workflow").click()
        await page.wait_for_selector(".step.active")

        for number, (step, walk) in enumerate(zip(definition.steps, WALKS[definition.id], strict=True), start=1):
            for click in walk.clicks:
                await _press(run, page, step, click.button, number)

        await page.locator("input[name=outcome]").first.check()
        await page.get_by_role("button", name="Complete workflow").click()
        await page.wait_for_selector(".outcome h3")
        assert (await page.locator(".outcome h3").inner_text()).startswith("Workflow complete")
        await _photograph(page, "complete")
    row = await stack.wait_projection(run.wf_id, lambda r: r.status == "completed")
    assert row.outcome_status == definition.outcomes[0] and row.steps_done == len(definition.steps)
