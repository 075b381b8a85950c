"""JSON API for scripts and integrations (seed 001's API contract)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api import renewal_action_service as actions
from api.auth import Manager, SignedIn
from api.deps import DB_INT_MAX, DbDep, TemporalGetterDep
from api.renewal_queue import queue_owner, start_of_today
from api.renewal_service import UpdateOutcome
from contracts.renewals import RenewalState
from db import renewal_projection

router = APIRouter(prefix="/api/workflows", tags=["renewals API"])


class ChooseBody(BaseModel):
    step_id: str = Field(max_length=100)


class CompleteStepBody(BaseModel):
    outcome: str = Field(max_length=100)
    notes: str = Field(default="", max_length=4000)


class CompleteBody(BaseModel):
    outcome: str = Field(max_length=100)
    notes: str = Field(default="", max_length=4000)
    next_steps: list[str] = Field(default_factory=list, max_length=20)
    confidence: Literal["high", "medium", "low"] = "medium"


class ReassignBody(BaseModel):
    to_email: str = Field(max_length=200)
    reason: str = Field(default="", max_length=500)


class CancelBody(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class QueueItem(BaseModel):
    """One renewal in the queue, in the camelCase names of seed 001's API contract."""

    id: str
    customerId: str
    customer: str
    stage: str
    workflow: str = Field(description="the workflow definition's id")
    status: str
    assignedTo: str
    priorityScore: int
    priorityFactors: dict[str, Any]
    riskScore: int
    usageTrend: float | None
    arr: float
    renewalDate: str
    currentStep: str | None
    stepsDone: int
    stepsTotal: int
    analysisSource: str


class QueueStats(BaseModel):
    totalWorkflows: int
    pending: int
    inProgress: int
    completedToday: int


class QueueOut(BaseModel):
    workflows: list[QueueItem]
    stats: QueueStats


class StillRunning(BaseModel):
    """An action still running in the workflow after the wait: poll /status."""

    status: Literal["accepted"]
    detail: str


# Routes answering with the workflow's state set response_model_by_alias=False: the state as
# RenewalState.model_dump gives it, field names and not the definition's camelCase aliases.
StateOrRunning = RenewalState | StillRunning


def _result(outcome: UpdateOutcome) -> dict[str, Any]:
    if outcome.error:
        raise HTTPException(status_code=409, detail=outcome.error)
    if outcome.still_running:
        return {"status": "accepted", "detail": "the action is still running; poll /status"}
    assert outcome.state is not None
    return outcome.state.model_dump(mode="json")


@router.get("/queue", response_model=QueueOut)
async def queue(
    db: DbDep,
    user: SignedIn,
    csm: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
) -> dict[str, Any]:
    owner = queue_owner(user, csm)
    async with db.session() as session:
        rows = await renewal_projection.queue(session, owner, limit=limit, offset=offset)
        stats = await renewal_projection.queue_stats(session, owner, start_of_today())
    return {
        "workflows": [
            {
                "id": r.id,
                "customerId": r.customer_id,
                "customer": r.customer_name,
                "stage": r.stage,
                "workflow": r.definition_id,
                "status": r.status,
                "assignedTo": r.assigned_to,
                "priorityScore": r.priority_score,
                "priorityFactors": r.priority_factors,
                "riskScore": r.risk_score,
                "usageTrend": r.usage_trend,
                "arr": r.arr,
                "renewalDate": r.renewal_date.isoformat(),
                "currentStep": r.current_step,
                "stepsDone": r.steps_done,
                "stepsTotal": r.steps_total,
                "analysisSource": r.analysis_source,
            }
            for r in rows
        ],
        "stats": {
            "totalWorkflows": stats["open"],
            "pending": stats["pending"],
            "inProgress": stats["in_progress"],
            "completedToday": stats["completed_today"],
        },
    }


@router.get("/{workflow_id}/status", response_model=RenewalState, response_model_by_alias=False)
async def status(workflow_id: str, user: SignedIn, db: DbDep, temporal: TemporalGetterDep) -> dict[str, Any]:
    view = await actions.load_view(db, temporal, workflow_id, user)
    return view.state.model_dump(mode="json")


@router.get("/{workflow_id}/context", response_model=dict[str, Any])
async def context(workflow_id: str, user: SignedIn, db: DbDep, temporal: TemporalGetterDep) -> dict[str, Any]:
    view = await actions.load_view(db, temporal, workflow_id, user)
    return view.vars


@router.post("/{workflow_id}/start", response_model=StateOrRunning, response_model_by_alias=False)
async def start(workflow_id: str, user: SignedIn, db: DbDep, temporal: TemporalGetterDep) -> dict[str, Any]:
    return _result(await actions.start(db, temporal, workflow_id, user))


@router.post("/{workflow_id}/actions/{value}", response_model=StateOrRunning, response_model_by_alias=False)
async def choose(
    workflow_id: str, value: str, body: ChooseBody, user: SignedIn, db: DbDep, temporal: TemporalGetterDep
) -> dict[str, Any]:
    return _result(await actions.choose(db, temporal, workflow_id, user, body.step_id, value))


@router.post("/{workflow_id}/steps/{step_id}/complete", response_model=StateOrRunning, response_model_by_alias=False)
async def complete_step(
    workflow_id: str, step_id: str, body: CompleteStepBody, user: SignedIn, db: DbDep, temporal: TemporalGetterDep
) -> dict[str, Any]:
    return _result(await actions.complete_step(db, temporal, workflow_id, user, step_id, body.outcome, body.notes))


@router.post("/{workflow_id}/complete", response_model=StateOrRunning, response_model_by_alias=False)
async def complete(
    workflow_id: str, body: CompleteBody, user: SignedIn, db: DbDep, temporal: TemporalGetterDep
) -> dict[str, Any]:
    return _result(
        await actions.complete(
            db, temporal, workflow_id, user, body.outcome, body.notes, body.next_steps, body.confidence
        )
    )


@router.post("/{workflow_id}/reassign", response_model=StateOrRunning, response_model_by_alias=False)
async def reassign(
    workflow_id: str, body: ReassignBody, user: Manager, db: DbDep, temporal: TemporalGetterDep
) -> dict[str, Any]:
    return _result(await actions.reassign(db, temporal, workflow_id, user, body.to_email, body.reason))


@router.post("/{workflow_id}/cancel", response_model=StateOrRunning, response_model_by_alias=False)
async def cancel(
    workflow_id: str, body: CancelBody, user: Manager, db: DbDep, temporal: TemporalGetterDep
) -> dict[str, Any]:
    return _result(await actions.cancel(db, temporal, workflow_id, user, body.reason))
