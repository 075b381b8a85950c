"""The renewal state machine as pure functions over `RenewalState`.

pending -> in_progress -> completed, plus cancelled and expired. The workflow
class calls these and runs activities around them; keeping them pure makes every
transition testable without a Temporal server. Validators raise `ValueError`
with a message fit for the CSM.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from contracts.actors import Actor
from contracts.renewal_definitions import WorkflowDefinition
from contracts.renewals import (
    ChatEntry,
    CompleteInput,
    CompleteStepInput,
    IntelligenceUpdate,
    Outcome,
    ReassignInput,
    RenewalState,
    Stage,
    Status,
    StepProgress,
    StepRecord,
)
from rules.determination import days_until, determine_stage, escalate, next_stage_change


def check_actor(state: RenewalState, actor: Actor, *, manager_only: bool = False) -> None:
    if actor.role == "manager":
        return
    if manager_only:
        raise ValueError("only a manager can do this")
    if actor.role != "csm" or actor.email.lower() != state.assigned_to.lower():
        raise ValueError(f"this renewal is assigned to {state.assigned_to}")


def check_open(state: RenewalState) -> None:
    if not state.is_open:
        raise ValueError(f"the renewal is {state.status}")


def definition_of(state: RenewalState) -> WorkflowDefinition:
    if state.definition is None:
        raise ValueError("the renewal has no definition yet")
    return state.definition


def proposed_stage(state: RenewalState, stage: str) -> Stage:
    """The stage after a new signal: escalations apply, de-escalations do not."""
    return escalate(Stage(state.stage), Stage(stage)) if state.stage else Stage(stage)


def apply_intelligence(state: RenewalState, upd: IntelligenceUpdate) -> None:
    state.event_ids = [*state.event_ids[-49:], upd.event_id]
    state.customer_name = upd.customer_name
    state.risk_score, state.usage_trend, state.summary = upd.risk_score, upd.usage_trend, upd.summary
    state.arr, state.account_plan = upd.arr, upd.account_plan
    state.analysis_source, state.intelligence_id = upd.analysis_source, upd.intelligence_id
    state.expires_at = upd.expires_at
    if not state.assigned_to:
        state.assigned_to, state.csm_name = upd.assigned_to, upd.csm_name
        state.assignment_reason = upd.assignment_reason
    if state.assigned_to == upd.assigned_to:
        state.priority = upd.priority
    state.seq += 1


def set_definition(state: RenewalState, definition: WorkflowDefinition, now: datetime, reason: str) -> None:
    """First definition, or an escalation: the new stage's steps start from the top."""
    previous = state.stage
    state.definition, state.stage = definition, definition.stage or state.stage
    state.steps = [StepProgress(step_id=s.id, name=s.name) for s in definition.steps]
    if previous:
        state.history.append(f"{now:%Y-%m-%d %H:%M} escalated {previous} -> {state.stage}: {reason}")
        state.chat.append(system_entry(f"Escalated from {previous} to {state.stage}: {reason}", now))
    if state.status == "in_progress":
        _activate(state, 0, now)
    state.seq += 1


def validate_start(state: RenewalState, actor: Actor) -> None:
    check_open(state)
    check_actor(state, actor)
    if state.status != "pending":
        raise ValueError("the renewal has already started")
    if state.definition is None:
        raise ValueError("the renewal is still being prepared")


def start(state: RenewalState, actor: Actor, now: datetime) -> None:
    validate_start(state, actor)
    state.status, state.started_at = "in_progress", now
    _activate(state, 0, now)
    state.seq += 1


def _activate(state: RenewalState, index: int, now: datetime) -> None:
    step = state.steps[index]
    step.status, step.started_at = "active", now
    spec = definition_of(state).step(step.step_id)
    msg = spec.chat.initial_message
    state.chat.append(
        ChatEntry(role="ai", text=msg.text, template=True, step_id=step.step_id, at=now, buttons=list(msg.buttons))
    )


def validate_complete_step(state: RenewalState, inp: CompleteStepInput) -> None:
    check_open(state)
    check_actor(state, inp.actor)
    step = state.current_step
    if state.status != "in_progress" or step is None:
        raise ValueError("there is no step in progress")
    if step.step_id != inp.step_id:
        raise ValueError(f"step {inp.step_id!r} is not the current step ({step.step_id})")
    allowed = definition_of(state).step(inp.step_id).outcomes
    if allowed and inp.outcome not in allowed:
        raise ValueError(f"outcome {inp.outcome!r} is not one of {allowed}")


def complete_step(state: RenewalState, inp: CompleteStepInput, now: datetime) -> StepRecord:
    validate_complete_step(state, inp)
    index = next(i for i, s in enumerate(state.steps) if s.step_id == inp.step_id)
    step = state.steps[index]
    step.status, step.completed_at = "done", now
    step.outcome, step.notes, step.actor = inp.outcome, inp.notes, inp.actor.email
    state.chat.append(system_entry(f"Step complete: {step.name} ({inp.outcome.replace('_', ' ')})", now, step.step_id))
    if index + 1 < len(state.steps):
        _activate(state, index + 1, now)
    state.seq += 1
    return StepRecord(
        workflow_id=state.workflow_id,
        definition_id=definition_of(state).id,
        step_id=step.step_id,
        step_name=step.name,
        actor=inp.actor.email,
        started_at=step.started_at or now,
        completed_at=now,
        outcome=inp.outcome,
        notes=inp.notes,
    )


def validate_complete(state: RenewalState, inp: CompleteInput) -> None:
    check_open(state)
    check_actor(state, inp.actor)
    if state.status != "in_progress":
        raise ValueError("start the renewal first")
    if not state.all_steps_done:
        raise ValueError(f"{len(state.steps) - state.steps_done} step(s) still open")
    if inp.outcome not in definition_of(state).outcomes:
        raise ValueError(f"outcome {inp.outcome!r} is not one of {definition_of(state).outcomes}")


def complete(state: RenewalState, inp: CompleteInput, now: datetime) -> None:
    validate_complete(state, inp)
    _finish(state, "completed", now)
    state.outcome = Outcome(
        status=inp.outcome,
        notes=inp.notes,
        next_steps=inp.next_steps,
        confidence=inp.confidence,
        completed_by=inp.actor.email,
        completed_at=now,
        total_duration_s=(now - (state.started_at or now)).total_seconds(),
    )


def validate_cancel(state: RenewalState, actor: Actor) -> None:
    check_open(state)
    check_actor(state, actor, manager_only=True)


def cancel(state: RenewalState, actor: Actor, reason: str, now: datetime) -> None:
    validate_cancel(state, actor)
    state.history.append(f"{now:%Y-%m-%d %H:%M} cancelled by {actor.email}: {reason}")
    _finish(state, "cancelled", now)


def expire(state: RenewalState, now: datetime) -> None:
    state.history.append(f"{now:%Y-%m-%d %H:%M} expired: the renewal date passed")
    state.chat.append(system_entry("The renewal date passed before this renewal was completed.", now))
    _finish(state, "expired", now)


def supersede(state: RenewalState, by_workflow_id: str, renewal_date: date, now: datetime) -> None:
    """Close this renewal because the customer's renewal date moved; the new date's renewal carries on."""
    text = f"The renewal date moved to {renewal_date.isoformat()}; this renewal is superseded by {by_workflow_id}."
    state.history.append(f"{now:%Y-%m-%d %H:%M} superseded by {by_workflow_id} (renewal date {renewal_date})")
    state.chat.append(system_entry(text, now))
    state.superseded_by = by_workflow_id
    state.outcome = Outcome(
        status="superseded",
        notes=f"superseded by {by_workflow_id}",
        completed_by="system",
        completed_at=now,
        total_duration_s=(now - (state.started_at or now)).total_seconds(),
    )
    _finish(state, "superseded", now)


def validate_reassign(state: RenewalState, inp: ReassignInput) -> None:
    check_open(state)
    check_actor(state, inp.actor, manager_only=True)
    if inp.to_email.lower() == state.assigned_to.lower():
        raise ValueError(f"already assigned to {inp.to_email}")


def reassign(state: RenewalState, inp: ReassignInput, now: datetime) -> None:
    validate_reassign(state, inp)
    note = f"{now:%Y-%m-%d %H:%M} reassigned {state.assigned_to} -> {inp.to_email} by {inp.actor.email}"
    state.history.append(f"{note}: {inp.reason}" if inp.reason else note)
    state.assigned_to, state.csm_name, state.priority = inp.to_email, inp.to_name, inp.priority
    state.assignment_reason = f"reassigned by {inp.actor.email}"
    state.seq += 1


def _finish(state: RenewalState, status: Status, now: datetime) -> None:
    state.status = status
    state.completed_at = now
    state.seq += 1


def system_entry(text: str, now: datetime, step_id: str | None = None) -> ChatEntry:
    return ChatEntry(role="system", text=text, template=False, step_id=step_id, at=now)


def next_wake(state: RenewalState, now: datetime) -> datetime:
    """When the workflow must look again: expiry, or the day its stage changes."""
    expires = state.expires_at or now + timedelta(days=365)
    change = next_stage_change(state.renewal_date, now.date(), state.risk_score)
    if change is None:
        return expires
    return min(expires, datetime.combine(change, time.min, tzinfo=expires.tzinfo))


def due_stage(state: RenewalState, now: datetime) -> Stage | None:
    """The stage the calendar now calls for, if it is an escalation."""
    stage = determine_stage(days_until(state.renewal_date, now.date()), state.risk_score)
    if stage and state.stage and stage != Stage(state.stage) and proposed_stage(state, stage.value) == stage:
        return stage
    return None
