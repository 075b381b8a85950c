"""Every button of every renewal definition, pressed through the JSON API as the CSM, leaves its real effect:
a Salesforce task with the right fields, a draft, an approval a manager decides and the email it sends, the
step recorded and the next one active, the renewal page showing it, and the outcome in the database.

The buttons come from the YAML (tests/renewal_paths.py plans the walks), so a new button is pressed here
without being listed, and one whose action has no checker in tests/renewal_effects.py fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from temporalio.api.enums.v1 import EventType

from contracts.renewal_definitions import ACTIONS, WorkflowDefinition
from contracts.renewals import RenewalState
from definitions.registry import all_definitions
from devstack.seed import MANAGER
from tests.renewal_effects import EFFECTS, Run, effect_of, no_failure_since
from tests.renewal_paths import Walk, matrix, plan, reachable_definitions, step_buttons
from tests.stack import LocalStack
from tests.test_renewal_workflow import new_renewal

# healthy_account indices from 100 belong to these tests (100-129 are reserved; the seeded world has 116
# healthy accounts, so 115 is the last): the matrix's renewals first, then the browser's, and from the top
# down the single tests here.
FIRST_ACCOUNT, LAST_ACCOUNT = 100, 115
MATRIX = matrix()
COMPLETE_IS_NOT_A_CHOICE = LAST_ACCOUNT
# Days to renewal and risk that put a fresh healthy account in each stage (rules/determination.py).
SIGNAL = {"Emergency": (4, 85), "Critical": (20, 50), "Prepare": (90, 30), "Monitor": (200, 10)}


def account_index(definition_id: str, run_no: int) -> int:
    index = FIRST_ACCOUNT + MATRIX.index((definition_id, run_no))
    assert index <= LAST_ACCOUNT, "the matrix outgrew this file's accounts: ask for a wider range"
    return index


@asynccontextmanager
async def renewal_run(stack: LocalStack, definition: WorkflowDefinition, index: int) -> AsyncIterator[Run]:
    """A new renewal of `definition` on its own account, started by its CSM."""
    assert definition.stage is not None
    days, risk = SIGNAL[definition.stage]
    key, wf_id, csm = await new_renewal(stack, index, days=days, risk=risk)
    row = await stack.wait_projection(wf_id)
    assert row.definition_id == definition.id, f"{key} got {row.definition_id}, wanted {definition.id}"
    async with stack.browser_session(csm.email) as csm_http, stack.browser_session(MANAGER[0]) as manager_http:
        response = await csm_http.get(f"/api/workflows/{wf_id}/status")
        assert response.status_code == 200, response.text
        yield Run(stack, csm_http, manager_http, definition, wf_id, key, RenewalState.model_validate(response.json()))


def test_every_button_is_planned_and_has_a_checked_effect() -> None:
    """Without the stack: the walks press every button of every definition a renewal can run, and every
    action a button can name has a checker (so a new one fails here before it reaches the matrix)."""
    assert {d.id for d in reachable_definitions()} == {d.id for d in all_definitions().values() if d.type == "renewal"}
    # nextStep passes the schema but nothing in the workflow or the page does anything with it: a definition
    # that uses it fails effect_of below until it does something that can be checked.
    assert set(EFFECTS) >= ACTIONS - {"nextStep"}, sorted(ACTIONS - set(EFFECTS))
    for definition in reachable_definitions():
        for step in definition.steps:
            pressed = set().union(*(walks[definition.steps.index(step)].keys for walks in plan(definition)))
            assert pressed == step_buttons(step), (definition.id, step.id)
            for node in [step.chat.initial_message, *step.chat.branches.values()]:
                for button in node.buttons:
                    effect_of(button)


def test_a_new_button_is_pressed_and_one_without_a_checked_effect_fails() -> None:
    """A button added to a YAML file joins the walks by itself; one whose action has no checker fails."""
    raw = all_definitions()["monitor-renewal"].model_dump(by_alias=True, exclude_none=True)
    first = raw["steps"][0]["chat"]
    first["initialMessage"]["buttons"].append({"label": "Ask Finance", "value": "finance", "action": "createTask"})
    first["branches"]["finance"] = {"response": "Asked.", "actions": ["createTask"], "buttons": [COMPLETE]}
    first["initialMessage"]["buttons"].append({"label": "Jump Ahead", "value": "jump", "action": "nextStep"})
    definition = WorkflowDefinition.model_validate(raw)
    step = definition.steps[0]
    pressed = set().union(*(walks[0].keys for walks in plan(definition)))
    assert {("finance", "Ask Finance"), ("jump", "Jump Ahead")} <= pressed
    with pytest.raises(pytest.fail.Exception, match="Jump Ahead"):
        for button in step.chat.initial_message.buttons:
            effect_of(button)


COMPLETE = {"label": "Complete Step", "value": "complete", "action": "completeStep"}


async def work_step(run: Run, walk: Walk, outcome: str) -> None:
    step = run.definition.step(run.state.current_step.step_id if run.state.current_step else "")
    for click in walk.clicks:
        before, button = run.state, click.button
        offered = [(b.value, b.label) for b in before.offered_buttons]
        assert click.key in offered, (step.id, click.key, offered)
        effect = effect_of(button)
        if button.action == "completeStep":
            after = await run.post(f"/steps/{step.id}/complete", {"outcome": outcome, "notes": button.label})
        else:
            after = await run.post(f"/actions/{button.value}", {"step_id": step.id})
            if branch := step.chat.branches.get(button.value):
                assert after.chat[-1].text == branch.response, after.chat[-1]
                assert after.offered_buttons == list(branch.buttons)
        no_failure_since(before, after)
        await effect(run, step, button, before, after)


@pytest.mark.parametrize(("definition_id", "run_no"), MATRIX, ids=[f"{d}-{n}" for d, n in MATRIX])
async def test_every_button_leaves_its_effect(stack: LocalStack, definition_id: str, run_no: int) -> None:
    definition = all_definitions()[definition_id]
    walks = plan(definition)[run_no]
    async with renewal_run(stack, definition, account_index(definition_id, run_no)) as run:
        state = await run.post("/start")
        assert state.status == "in_progress" and state.current_step is not None
        for step, walk in zip(definition.steps, walks, strict=True):
            assert run.state.current_step is not None and run.state.current_step.step_id == step.id
            await work_step(run, walk, step.outcomes[run_no % len(step.outcomes)])
        assert run.state.all_steps_done
        outcome = definition.outcomes[run_no % len(definition.outcomes)]
        done = await run.post("/complete", {"outcome": outcome, "next_steps": ["send the order form"]})
        assert done.status == "completed" and done.outcome is not None and done.outcome.status == outcome
        assert done.outcome.completed_by == done.assigned_to
        row = await stack.wait_projection(run.wf_id, lambda r: r.status == "completed")
        assert row.outcome_status == outcome and row.outcome["next_steps"] == ["send the order form"]
        assert row.steps_done == len(definition.steps) and row.current_step is None
        assert "Workflow complete" in await run.page()
    history = await stack.client.get_workflow_handle(run.wf_id).fetch_history()
    failed = [e.event_id for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    assert not failed, f"workflow tasks failed at events {failed}"


async def test_a_complete_step_button_is_not_taken_as_a_choice(stack: LocalStack) -> None:
    """Through the API "Skip" used to answer 200, echo its label and leave the step open."""
    definition = all_definitions()["critical-renewal"]
    step = definition.steps[0]
    skip = next(b for b in step.chat.initial_message.buttons if b.action == "completeStep")
    async with renewal_run(stack, definition, COMPLETE_IS_NOT_A_CHOICE) as run:
        before = await run.post("/start")
        refused = await run.csm.post(f"/api/workflows/{run.wf_id}/actions/{skip.value}", json={"step_id": step.id})
        assert refused.status_code == 409, refused.text
        assert f"'{skip.value}' completes the step" in refused.text and step.outcomes[0] in refused.text
        assert len((await run.refresh()).chat) == len(before.chat)
        after = await run.post(f"/steps/{step.id}/complete", {"outcome": step.outcomes[0]})
        assert after.steps[0].status == "done" and after.current_step is not None
