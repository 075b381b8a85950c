"""The CSM/manager actions on a renewal, shared by the HTML and JSON routes.

Each takes the database and the way to reach Temporal (a getter: a 403 decided by the projection never waits
on Temporal), not the request."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from api.auth import CurrentUser, Forbidden
from api.deps import TemporalGetter
from api.reassign_choices import override_reason
from api.renewal_service import UpdateOutcome, get_state, run_update
from api.renewal_view import RenewalView, build, can_act
from contracts import names
from contracts.renewals import (
    CancelInput,
    ChooseInput,
    CompleteInput,
    CompleteStepInput,
    Priority,
    ReassignInput,
    RenewalState,
)
from db import intelligence_store, renewal_projection, users
from db.engine import Database
from db.models import WorkflowInstance
from rules.scoring import live, priority_score


async def load_view(
    db: Database, temporal: TemporalGetter, workflow_id: str, user: CurrentUser, state: RenewalState | None = None
) -> RenewalView:
    if state is None:
        state = await get_state(await temporal(), workflow_id)
    if user.role == "csm" and state.assigned_to.lower() != user.email.lower():
        raise Forbidden(f"this renewal is assigned to {state.csm_name or state.assigned_to}")
    async with db.session() as session:
        intel = await intelligence_store.get_intelligence(session, state.intelligence_id)
        load = (await renewal_projection.open_counts_by_csm(session)).get(state.assigned_to, 1)
    view = build(state, intel, datetime.now(UTC).date(), can_act(state, user.email, user.role))
    if state.priority is not None and state.is_open:  # the score as the queue shows it: the CSM's load now
        factors = live(state.priority.model_dump(exclude_none=True), load)
        view.vars["workflow"]["priorityScore"] = factors.score
        view.vars["workflow"]["priorityFactors"] = {**factors.as_dict(), "explanation": factors.explain()}
    return view


async def next_in_queue(db: Database, state: RenewalState) -> WorkflowInstance | None:
    async with db.session() as session:
        return await renewal_projection.next_in_queue(session, state.assigned_to, exclude=state.workflow_id)


async def ensure_may_act(db: Database, temporal: TemporalGetter, workflow_id: str, user: CurrentUser) -> None:
    """403 before any update reaches the workflow: only a manager or the renewal's own CSM act on it.
    The projection answers quickly; when it disagrees (not written yet, a reassignment in flight) the
    workflow's own state, read by a query, decides."""
    if user.role == "manager":
        return
    if user.role == "csm":
        async with db.session() as session:
            row = await renewal_projection.get(session, workflow_id)
        if row is not None and row.assigned_to.lower() == user.email.lower():
            return
        state = await get_state(await temporal(), workflow_id)
        if state.assigned_to.lower() == user.email.lower():
            return
        raise Forbidden("this renewal is assigned to another CSM")
    raise Forbidden(f"only its CSM or a manager can act on a renewal; you are {user.role}")


async def _update(temporal: TemporalGetter, workflow_id: str, name: str, arg: BaseModel) -> UpdateOutcome:
    return await run_update(await temporal(), workflow_id, name, arg)


async def _act(
    db: Database, temporal: TemporalGetter, workflow_id: str, user: CurrentUser, name: str, arg: BaseModel
) -> UpdateOutcome:
    await ensure_may_act(db, temporal, workflow_id, user)
    return await _update(temporal, workflow_id, name, arg)


async def start(db: Database, temporal: TemporalGetter, workflow_id: str, user: CurrentUser) -> UpdateOutcome:
    return await _act(db, temporal, workflow_id, user, names.RENEWAL_START, user.actor)


async def choose(
    db: Database, temporal: TemporalGetter, workflow_id: str, user: CurrentUser, step_id: str, value: str
) -> UpdateOutcome:
    arg = ChooseInput(actor=user.actor, step_id=step_id, value=value)
    return await _act(db, temporal, workflow_id, user, names.RENEWAL_CHOOSE, arg)


async def complete_step(
    db: Database, temporal: TemporalGetter, workflow_id: str, user: CurrentUser, step_id: str, outcome: str, notes: str
) -> UpdateOutcome:
    arg = CompleteStepInput(actor=user.actor, step_id=step_id, outcome=outcome, notes=notes)
    return await _act(db, temporal, workflow_id, user, names.RENEWAL_COMPLETE_STEP, arg)


async def complete(
    db: Database,
    temporal: TemporalGetter,
    workflow_id: str,
    user: CurrentUser,
    outcome: str,
    notes: str,
    next_steps: list[str],
    confidence: str,
) -> UpdateOutcome:
    arg = CompleteInput(actor=user.actor, outcome=outcome, notes=notes, next_steps=next_steps, confidence=confidence)
    return await _act(db, temporal, workflow_id, user, names.RENEWAL_COMPLETE, arg)


async def cancel(
    db: Database, temporal: TemporalGetter, workflow_id: str, user: CurrentUser, reason: str
) -> UpdateOutcome:
    arg = CancelInput(actor=user.actor, reason=reason)
    return await _act(db, temporal, workflow_id, user, names.RENEWAL_CANCEL, arg)


async def reassign(
    db: Database, temporal: TemporalGetter, workflow_id: str, user: CurrentUser, to_email: str, reason: str
) -> UpdateOutcome:
    """Re-scores for the new CSM (their experience and load) before handing over."""
    await ensure_may_act(db, temporal, workflow_id, user)
    state = await get_state(await temporal(), workflow_id)
    async with db.session() as session:
        target = await users.by_email(session, to_email)
        loads = await renewal_projection.open_counts_by_csm(session)
    if target is None or target.role != "csm" or not target.active:
        return UpdateOutcome(error=f"{to_email} is not an active CSM")
    error, reason = override_reason(state.stage, state.arr, target.experience or "mid", reason)
    if error:
        return UpdateOutcome(error=error)
    definition_id = state.definition.id if state.definition else "monitor-renewal"
    factors = priority_score(
        definition_id, state.arr, state.account_plan, target.experience or "mid", loads.get(target.email, 0)
    )
    priority = Priority(**factors.as_dict(), explanation=factors.explain())
    return await _update(
        temporal,
        workflow_id,
        names.RENEWAL_REASSIGN,
        ReassignInput(actor=user.actor, to_email=target.email, to_name=target.name, reason=reason, priority=priority),
    )
