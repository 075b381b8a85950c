"""Renewals: the stages, and the inputs, signals, updates, state and activity payloads of the renewal
workflow (all pydantic, so they travel through Temporal as JSON and validate on the way in)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.actors import Actor
from contracts.approvals import ApprovalOutcome, ApprovalRequest
from contracts.renewal_definitions import Button, WorkflowDefinition

Status = Literal["pending", "in_progress", "completed", "cancelled", "expired", "superseded"]
OPEN_STATUSES: tuple[Status, ...] = ("pending", "in_progress")


class Stage(StrEnum):
    """A renewal's stage (seed 001); rules.determination decides which one a customer gets."""

    EMERGENCY = "Emergency"
    CRITICAL = "Critical"
    PREPARE = "Prepare"
    MONITOR = "Monitor"

    @property
    def urgency(self) -> int:
        """Higher is more urgent; a renewal only ever moves up this ladder."""
        return _URGENCY[self]

    @property
    def definition_id(self) -> str:
        return f"{self.value.lower()}-renewal"


_URGENCY = {Stage.MONITOR: 0, Stage.PREPARE: 1, Stage.CRITICAL: 2, Stage.EMERGENCY: 3}


class Priority(BaseModel):
    base: int
    arr_multiplier: float
    plan_weight: float
    experience_multiplier: float
    workload_penalty: int
    score: int
    explanation: str
    weight: int | None = None  # the score before the workload term (absent in renewals scored before it was kept)


class RenewalInput(BaseModel):
    customer_id: str
    customer_name: str
    renewal_date: date
    approval_ttl_s: int = Field(24 * 3600, ge=1)  # how long a manager has to approve a customer email
    # Continue as new past this many history events, besides whenever Temporal suggests it (tests set it low).
    continue_as_new_after_events: int | None = Field(None, ge=20)
    carry: RenewalCarry | None = None  # set when a run continues as new: everything the renewal had


class OutreachSend(BaseModel):
    """An approved email to the customer (the manager may have edited it)."""

    workflow_id: str
    idempotency_key: str
    approval_id: str
    intelligence_id: int
    subject: str
    body: str


class IntelligenceUpdate(BaseModel):
    """Sent by the intelligence workflow on every analysed signal (signal-with-start)."""

    event_id: str
    intelligence_id: int
    customer_name: str
    stage: str
    risk_score: int
    usage_trend: float | None
    arr: float
    account_plan: str | None
    summary: str
    analysis_source: str  # human label, e.g. "Offline analyser (no API key)"
    assigned_to: str
    csm_name: str
    assignment_reason: str
    priority: Priority
    expires_at: datetime


class ChooseInput(BaseModel):
    actor: Actor
    step_id: str
    value: str


class CompleteStepInput(BaseModel):
    actor: Actor
    step_id: str
    outcome: str
    notes: str = Field(default="", max_length=4000)


class CompleteInput(BaseModel):
    actor: Actor
    outcome: str
    notes: str = Field(default="", max_length=4000)
    next_steps: list[str] = Field(default_factory=list)
    confidence: Literal["high", "medium", "low"] = "medium"


class ReassignInput(BaseModel):
    actor: Actor
    to_email: str
    to_name: str
    reason: str = Field(default="", max_length=500)
    priority: Priority


class CancelInput(BaseModel):
    actor: Actor
    reason: str = Field(min_length=1, max_length=500)


class SupersedeInput(BaseModel):
    """The customer's renewal date moved: the renewal of the new date replaces this one."""

    by_workflow_id: str
    renewal_date: date
    event_id: str


class ChatEntry(BaseModel):
    role: Literal["ai", "csm", "system"]
    text: str
    template: bool  # True: definition text with {{variables}}; False: literal (LLM/CSM), never rendered
    step_id: str | None
    at: datetime
    buttons: list[Button] = Field(default_factory=list)
    source: str | None = None  # who produced AI text (model or offline)


class ArtifactState(BaseModel):
    id: str
    step_id: str
    title: str
    type: str
    data: dict[str, Any]
    template: bool
    visible: bool
    source: str | None = None
    created_at: datetime


class StepProgress(BaseModel):
    step_id: str
    name: str
    status: Literal["pending", "active", "done"] = "pending"
    started_at: datetime | None = None
    completed_at: datetime | None = None
    outcome: str | None = None
    notes: str = ""
    actor: str | None = None
    action_counts: dict[str, int] = Field(default_factory=dict)


class Outcome(BaseModel):
    status: str
    notes: str = ""
    next_steps: list[str] = Field(default_factory=list)
    confidence: str = "medium"
    completed_by: str
    completed_at: datetime
    total_duration_s: float


class RenewalState(BaseModel):
    workflow_id: str
    customer_id: str
    customer_name: str
    renewal_date: date
    status: Status = "pending"
    stage: str = ""
    definition: WorkflowDefinition | None = None
    assigned_to: str = ""
    csm_name: str = ""
    assignment_reason: str = ""
    priority: Priority | None = None
    risk_score: int = 0
    usage_trend: float | None = None
    arr: float = 0.0
    account_plan: str | None = None
    summary: str = ""
    analysis_source: str = ""
    intelligence_id: int = 0
    expires_at: datetime | None = None
    event_ids: list[str] = Field(default_factory=list)
    steps: list[StepProgress] = Field(default_factory=list)
    chat: list[ChatEntry] = Field(default_factory=list)
    artifacts: list[ArtifactState] = Field(default_factory=list)
    email_approvals: dict[str, str] = Field(default_factory=dict)  # approval id -> the draft it would send
    history: list[str] = Field(default_factory=list)  # escalations, reassignments: plain sentences
    outcome: Outcome | None = None
    superseded_by: str | None = None  # the renewal of the customer's new renewal date
    created_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None
    seq: int = 0

    @property
    def current_step(self) -> StepProgress | None:
        return next((s for s in self.steps if s.status == "active"), None)

    @property
    def offered_buttons(self) -> list[Button]:
        """The choices the current step's latest AI message offers."""
        step = self.current_step
        if step is None:
            return []
        for entry in reversed(self.chat):
            if entry.step_id == step.step_id and entry.role == "ai" and entry.buttons:
                return entry.buttons
        return []

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.status == "done")

    @property
    def all_steps_done(self) -> bool:
        return bool(self.steps) and self.steps_done == len(self.steps)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ActionRequest(BaseModel):
    """A button that runs an activity (schedule call, draft outreach, ...)."""

    workflow_id: str
    idempotency_key: str
    action: str
    step_id: str
    step_name: str
    customer_id: str
    intelligence_id: int
    stage: str
    actor: Actor
    offline_reason: str | None = None  # set when falling back from the model


class ActionResult(BaseModel):
    artifact_id: str
    title: str
    type: str
    data: dict[str, Any]
    note: str
    source: str


class StepRecord(BaseModel):
    workflow_id: str
    definition_id: str
    step_id: str
    step_name: str
    actor: str
    started_at: datetime
    completed_at: datetime
    outcome: str
    notes: str


class Projection(BaseModel):
    """What the queue pages need, written to `workflow_instances` on every change."""

    id: str
    customer_id: str
    customer_name: str
    definition_id: str
    stage: str
    status: str
    assigned_to: str
    priority_score: int
    priority_factors: dict[str, Any]
    risk_score: int
    usage_trend: float | None
    arr: float
    renewal_date: date
    current_step: str | None
    steps_done: int
    steps_total: int
    analysis_source: str
    summary: str
    outcome: dict[str, Any] | None
    outcome_status: str | None
    duration_s: float | None
    seq: int
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


class RenewalCarry(BaseModel):
    """What a renewal hands to its next run when it continues as new: the whole state (steps, chat, artifacts,
    assignment, period, outcome so far), its approval requests with their decisions (pending ones keep their
    expiry, so their timers are re-armed from it), and the signals it had not applied yet."""

    state: RenewalState
    requests: list[ApprovalRequest] = Field(default_factory=list)
    outcomes: list[ApprovalOutcome] = Field(default_factory=list)
    inbox: list[IntelligenceUpdate] = Field(default_factory=list)
    superseded_by: SupersedeInput | None = None


class RenewalAck(BaseModel):
    """What a renewal's update answers: small, however long the renewal has run. The state it changed is
    one `get_state` query away."""

    workflow_id: str
    seq: int
    status: Status
