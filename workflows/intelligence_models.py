"""Inputs and results of the per-customer intelligence workflow and its activities."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.context import CustomerContext, CustomerInfo, Signal
from rules.determination import Stage
from workflows.renewal_models import IntelligenceUpdate, Priority, RenewalInput


class IntelligenceInput(BaseModel):
    customer_id: str
    # Carried across continue-as-new so nothing queued or seen is lost.
    pending: list[Signal] = Field(default_factory=list)
    seen_event_ids: list[str] = Field(default_factory=list)
    recent: list[SignalOutcome] = Field(default_factory=list)


class SignalOutcome(BaseModel):
    """What became of one signal; the workflow keeps the last few for operators."""

    event_id: str
    result: str  # renewal, renewal_closed, no_renewal, unknown_customer, duplicate
    detail: str
    renewal_workflow_id: str | None = None
    stage: str | None = None
    assigned_to: str | None = None
    priority_score: int | None = None


class AnalyzeInput(BaseModel):
    context: CustomerContext
    offline_reason: str | None = None  # set: use the offline analyser, saying why


class CsmCandidate(BaseModel):
    email: str
    name: str
    experience: str
    active_workflows: int


class ExistingRenewal(BaseModel):
    workflow_id: str
    assigned_to: str
    stage: str


class AssignmentState(BaseModel):
    csms: list[CsmCandidate]
    existing: ExistingRenewal | None


class AssignRequest(BaseModel):
    workflow_id: str
    customer: CustomerInfo
    stage: Stage
    risk_score: int
    usage_trend: float | None
    summary: str
    analysis_source: str


class RenewalAssignment(BaseModel):
    stage: str
    assigned_to: str
    csm_name: str
    reason: str
    priority: Priority


class UpsertRenewal(BaseModel):
    workflow_id: str
    input: RenewalInput
    update: IntelligenceUpdate


IntelligenceInput.model_rebuild()
