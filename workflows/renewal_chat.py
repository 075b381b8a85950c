"""The chat side of a renewal step: offered buttons, branches, artifacts.

Pure functions over `RenewalState`, like `renewal_state`; buttons that need an
activity are returned to the workflow to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts import ids
from contracts.renewal_definitions import ACTIVITY_ACTIONS, Button
from contracts.renewals import ArtifactState, ChatEntry, ChooseInput, RenewalState
from workflows.renewal_state import check_actor, check_open, definition_of, system_entry


def validate_choose(state: RenewalState, inp: ChooseInput) -> Button:
    check_open(state)
    check_actor(state, inp.actor)
    step = state.current_step
    if state.status != "in_progress" or step is None:
        raise ValueError("start the renewal first")
    if step.step_id != inp.step_id:
        raise ValueError(f"step {inp.step_id!r} is not the current step ({step.step_id})")
    button = next((b for b in state.offered_buttons if b.value == inp.value), None)
    if button is None:
        raise ValueError(f"{inp.value!r} is not one of the offered choices")
    return button


def validate_choice(state: RenewalState, inp: ChooseInput) -> None:
    """What the choose update accepts: an offered button that is a choice. A Complete Step button opens the
    step's outcome form; sent as a choice (the JSON API allows it) it only echoed its label and the step
    stayed open, so it is refused, naming the outcomes to complete the step with."""
    button = validate_choose(state, inp)
    if button.action == "completeStep":
        outcomes = ", ".join(definition_of(state).step(inp.step_id).outcomes)
        raise ValueError(f"{inp.value!r} completes the step: complete it with one of its outcomes ({outcomes})")


@dataclass
class Choice:
    actions: list[str]  # the activity actions to run
    reply: ChatEntry | None = None  # said once they all succeeded (None: already said)


def choose(state: RenewalState, inp: ChooseInput, now: datetime, *, reply_after_actions: bool = False) -> Choice:
    """Record the choice; the branch's reply ("I logged the call…") is said at once when the branch runs no
    activity, else returned to be said only after its actions succeeded (`reply_after_actions`). Until then
    the step keeps offering its earlier buttons, so a failed action can be clicked again."""
    button = validate_choose(state, inp)
    spec = definition_of(state).step(inp.step_id)
    state.chat.append(ChatEntry(role="csm", text=button.label, template=False, step_id=inp.step_id, at=now))
    branch = spec.chat.branches.get(inp.value)
    actions = list(branch.actions) if branch else ([button.action] if button.action else [])
    activities = [a for a in actions if a in ACTIVITY_ACTIONS]
    choice = Choice(activities)
    if branch:
        reply = ChatEntry(
            role="ai",
            text=branch.response,
            template=True,
            step_id=inp.step_id,
            at=now,
            buttons=list(branch.buttons),
        )
        if reply_after_actions and activities:
            choice.reply = reply
        else:
            state.chat.append(reply)
        if "showArtifact" in actions and branch.artifact_id:
            _show_definition_artifact(state, inp.step_id, branch.artifact_id, now)
    state.seq += 1
    return choice


def say(state: RenewalState, reply: ChatEntry, now: datetime) -> None:
    """The deferred reply of a choice whose actions all succeeded."""
    state.chat.append(reply.model_copy(update={"at": now}))
    state.seq += 1


def _show_definition_artifact(state: RenewalState, step_id: str, artifact_id: str, now: datetime) -> None:
    if any(a.id == artifact_id for a in state.artifacts):
        return
    spec = next(a for a in definition_of(state).step(step_id).artifacts if a.id == artifact_id)
    state.artifacts.append(
        ArtifactState(
            id=spec.id,
            step_id=step_id,
            title=spec.title,
            type=spec.type,
            data=dict(spec.data),
            template=True,
            visible=True,
            created_at=now,
        )
    )


def next_action_key(state: RenewalState, step_id: str, action: str) -> str:
    """Idempotency key of the next run of `action` in this step: stable across
    activity retries and replays, distinct for a deliberate second click."""
    step = next(s for s in state.steps if s.step_id == step_id)
    n = step.action_counts.get(action, 0) + 1
    step.action_counts[action] = n
    return ids.renewal_action(state.workflow_id, definition_of(state).id, step_id, action, n)


def add_artifact(state: RenewalState, step_id: str, artifact: ArtifactState, note: str, now: datetime) -> None:
    state.artifacts.append(artifact)
    state.chat.append(ChatEntry(role="ai", text=note, template=False, step_id=step_id, at=now, source=artifact.source))
    state.seq += 1


def add_note(state: RenewalState, step_id: str, text: str, now: datetime) -> None:
    state.chat.append(system_entry(text, now, step_id))
    state.seq += 1
