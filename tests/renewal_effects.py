"""What each renewal button must leave behind, checked where it lands: the Salesforce sandbox, the SMTP
sink, the approvals table, the step history, the renewal page. One checker per button action; an action
without one fails the end-to-end tests (`effect_of`), so a new kind of button cannot go unchecked."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from clients.salesforce import TASK_KEY_MAX, task_external_key
from contracts import ids
from contracts.renewal_definitions import Button, Step, WorkflowDefinition
from contracts.renewals import ArtifactState, RenewalState
from db import approvals_store, step_history
from devstack.seed import MANAGER
from tests.stack import LocalStack, wait_for

FAILED = "did not work"


@dataclass
class Run:
    """One renewal being worked through the JSON API by its CSM, a manager at hand for approvals."""

    stack: LocalStack
    csm: httpx.AsyncClient
    manager: httpx.AsyncClient
    definition: WorkflowDefinition
    wf_id: str
    customer_key: str
    state: RenewalState

    async def post(self, path: str, body: dict[str, Any] | None = None) -> RenewalState:
        response = await self.csm.post(f"/api/workflows/{self.wf_id}{path}", json=body or {})
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        data = response.json()
        assert data.get("status") != "accepted", f"{path} still running after the API's wait: {data}"
        self.state = RenewalState.model_validate(data)
        return self.state

    async def refresh(self) -> RenewalState:
        response = await self.csm.get(f"/api/workflows/{self.wf_id}/status")
        assert response.status_code == 200, response.text
        self.state = RenewalState.model_validate(response.json())
        return self.state

    async def page(self) -> str:
        response = await self.csm.get(f"/renewals/{self.wf_id}")
        assert response.status_code == 200, response.text
        return response.text


Effect = Callable[[Run, Step, Button, RenewalState, RenewalState], Awaitable[None]]


def new_artifacts(before: RenewalState, after: RenewalState) -> list[ArtifactState]:
    known = {a.id for a in before.artifacts}
    return [a for a in after.artifacts if a.id not in known]


def _one_new(before: RenewalState, after: RenewalState, action: str, step: Step) -> ArtifactState:
    made = [a for a in new_artifacts(before, after) if a.id.startswith(f"{action}-{step.id}-")]
    assert len(made) == 1, f"{step.id}: {action} made {[a.id for a in new_artifacts(before, after)]}"
    assert made[0].visible and made[0].step_id == step.id and made[0].source, made[0]
    return made[0]


async def _shown_on_page(run: Run, *texts: str) -> None:
    """The texts as a reader sees them: tags dropped, entities decoded, white space collapsed."""
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", await run.page())).split())
    for text in texts:
        assert " ".join(text.split()) in page, f"the renewal page does not show {text!r}"


def _task_for(run: Run, step: Step, action: str, after: RenewalState) -> Any:
    n = next(p for p in after.steps if p.step_id == step.id).action_counts[action]
    key = task_external_key(ids.renewal_action(run.wf_id, run.definition.id, step.id, action, n))
    assert len(key) <= TASK_KEY_MAX
    tasks = run.stack.sandbox.tasks.by_key(key)
    assert len(tasks) == 1, f"{len(tasks)} Salesforce tasks for {key}"
    return tasks[0]


def _due(days: int, before: date) -> set[date]:
    """The due date the activity computed, allowing for the test crossing midnight (UTC)."""
    return {before + timedelta(days=days), datetime.now(UTC).date() + timedelta(days=days)}


async def show_artifact(run: Run, step: Step, button: Button, before: RenewalState, after: RenewalState) -> None:
    branch = step.chat.branches[button.value]
    assert branch.artifact_id, f"{step.id}/{button.value}: showArtifact without an artifactId"
    [shown] = [a for a in after.artifacts if a.id == branch.artifact_id]
    assert shown.visible and shown.step_id == step.id
    spec = next(a for a in step.artifacts if a.id == branch.artifact_id)
    await _shown_on_page(run, spec.title.replace("{{customer.name}}", after.customer_name))


async def schedule_call(run: Run, step: Step, button: Button, before: RenewalState, after: RenewalState) -> None:
    agenda = _one_new(before, after, "scheduleCall", step)
    assert agenda.type == "plan" and len(agenda.data["agenda"]) >= 2
    task = _task_for(run, step, "scheduleCall", after)
    account = run.stack.account(run.customer_key)
    assert task.what_id == account.id and task.subject == f"Call: {agenda.title}"
    assert task.description == "\n".join(agenda.data["agenda"])
    assert task.activity_date in _due(1, after.chat[-1].at.date())
    assert agenda.data["salesforce_task"] == {
        "id": task.id,
        "subject": task.subject,
        "due": task.activity_date.isoformat(),
    }
    await _shown_on_page(run, agenda.title, f"Salesforce task {task.id}")


async def create_task(run: Run, step: Step, button: Button, before: RenewalState, after: RenewalState) -> None:
    made = _one_new(before, after, "createTask", step)
    task = _task_for(run, step, "createTask", after)
    account = run.stack.account(run.customer_key)
    assert task.what_id == account.id and task.subject == f"{step.name} - {account.name}"
    assert task.description == f"Follow-up from the {after.stage} renewal ({step.name})."
    assert task.activity_date in _due(2, after.chat[-1].at.date())
    assert f"Salesforce task {task.id}" in made.data["items"]
    await _shown_on_page(run, made.title, f"Created Salesforce task {task.id}.")


async def draft_outreach(run: Run, step: Step, button: Button, before: RenewalState, after: RenewalState) -> None:
    draft = _one_new(before, after, "draftOutreach", step)
    assert draft.type == "email" and draft.data["subject"] and draft.data["body"]
    assert after.email_approvals == before.email_approvals  # a draft goes nowhere by itself
    await _shown_on_page(run, draft.title, draft.data["subject"])


async def draft_plan(run: Run, step: Step, button: Button, before: RenewalState, after: RenewalState) -> None:
    plan = _one_new(before, after, "draftPlan", step)
    assert plan.type == "plan" and plan.data["goal"] and plan.data["actions"]
    await _shown_on_page(run, plan.title)


async def _mail(run: Run, approval_id: str) -> list[dict[str, Any]]:
    box = await run.stack.sandbox_admin("GET", "/_sandbox/mail", params={"limit": 1000})
    return [m for m in box["messages"] if m["message_id"] == f"<{approval_id}@renubu>"]


async def send_outreach(run: Run, step: Step, button: Button, before: RenewalState, after: RenewalState) -> None:
    """A customer email always waits for a manager: the request is opened, approved, and the email sent once."""
    [approval_id] = set(after.email_approvals) - set(before.email_approvals)
    draft = next(a for a in after.artifacts if a.id == after.email_approvals[approval_id])
    assert draft.step_id == step.id and draft.type == "email"

    async def pending() -> Any:
        async with run.stack.db.session() as session:
            row = await approvals_store.get(session, approval_id)
        return row if row is not None and row.status == "pending" else None

    row = await wait_for(pending, 30, f"approval {approval_id} in the queue")
    assert row.workflow_kind == "renewal" and row.workflow_id == run.wf_id
    assert row.editable == {"subject": draft.data["subject"], "body": draft.data["body"]}
    queue = await run.manager.get(f"/approvals/{approval_id}")
    assert queue.status_code == 200 and html.escape(f"Email {after.customer_name} about their renewal?") in queue.text
    decided = await run.manager.post(f"/api/approvals/{approval_id}/decide", json={"approve": True})
    assert decided.status_code == 200, decided.text
    [mail] = await wait_for(lambda: _mail(run, approval_id), 30, "the approved email in the SMTP sink")
    account = run.stack.account(run.customer_key)
    contacts = {c.email for c in run.stack.sandbox.data.contacts if c.account_id == account.id and c.email}
    assert mail["subject"] == draft.data["subject"] and set(mail["to"]) <= contacts and mail["to"]
    state = await run.refresh()
    [sent] = [a for a in state.artifacts if a.id == f"sent-{approval_id}"]
    assert sent.data["to"] == mail["to"][0] and sent.data["approved_by"] == MANAGER[0]
    assert sent.source == f"Renubu, approved by {MANAGER[0]}"
    assert state.chat[-1].text == f"Email sent to {sent.data['to']} (Approved by {MANAGER[0]})", state.chat[-1]
    async with run.stack.db.session() as session:
        assert (await approvals_store.get(session, approval_id)).status == "approved"
    await _shown_on_page(run, f"Sent to {sent.data['to']}: {draft.data['subject']}")


async def complete_step(run: Run, step: Step, button: Button, before: RenewalState, after: RenewalState) -> None:
    """The step is recorded done with its outcome, the next one is active, the audit trail has it."""
    index = [s.id for s in run.definition.steps].index(step.id)
    done = after.steps[index]
    assert done.status == "done" and done.outcome in step.outcomes and done.actor == after.assigned_to
    following = after.steps[index + 1] if index + 1 < len(after.steps) else None
    assert (after.current_step and after.current_step.step_id) == (following and following.step_id)
    async with run.stack.db.session() as session:
        audit = [h for h in await step_history.for_workflow(session, run.wf_id) if h.step_id == step.id]
    assert len(audit) == 1 and audit[0].outcomes["outcome"] == done.outcome, audit
    row = await run.stack.wait_projection(run.wf_id, lambda r: r.steps_done == index + 1)
    assert row.current_step == (following.step_id if following else None)
    await _shown_on_page(run, f"Audit trail ({index + 1} step", f"Step complete: {step.name}")


EFFECTS: dict[str, Effect] = {
    "showArtifact": show_artifact,
    "scheduleCall": schedule_call,
    "createTask": create_task,
    "draftOutreach": draft_outreach,
    "draftPlan": draft_plan,
    "sendOutreach": send_outreach,
    "completeStep": complete_step,
}


def effect_of(button: Button) -> Effect:
    if button.action not in EFFECTS:
        pytest.fail(f"button {button.label!r} ({button.action}) has no checked effect: add one to EFFECTS")
    return EFFECTS[button.action]


def no_failure_since(before: RenewalState, after: RenewalState) -> None:
    said = [c.text for c in after.chat[len(before.chat) :]]
    assert not [t for t in said if FAILED in t], said
