"""Customer intelligence: the risk signal Active sends, the customer context enrichment gathers (what the
analyser reads and renewal templates render: `{{customer.name}}`, `{{data.financials.currentARR}}`), and the
inputs and results of the per-customer intelligence workflow and its activities.

The context's field names follow seed 001's context contract (camelCase aliases on the wire).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from contracts.renewals import IntelligenceUpdate, Priority, RenewalInput, Stage


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


class CustomerInfo(_Model):
    id: str
    name: str
    salesforce_id: str | None = None
    domain: str | None = None
    industry: str | None = None
    arr: float = 0.0
    renewal_date: date | None = None
    account_plan: str | None = None  # invest / expand / manage / monitor
    owner: str | None = None  # owner name
    owner_email: str | None = None


class Contact(_Model):
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None


class Opportunity(_Model):
    name: str
    stage: str
    amount: float | None = None
    close_date: date | None = None
    type: str | None = None


class SupportCase(_Model):
    subject: str
    status: str
    priority: str | None = None
    created: datetime | None = None
    closed: datetime | None = None


class SalesforceData(_Model):
    opportunities: list[Opportunity] = Field(default_factory=list)
    cases: list[SupportCase] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)


class UsagePoint(_Model):
    week: date
    active_users: int
    logins: int


class Usage(_Model):
    active_users: int = 0
    licensed_users: int = 0
    utilization_rate: float = 0.0  # 0..1
    trend: float = 0.0  # percent change over the window, e.g. -23.0
    feature_adoption: dict[str, float] = Field(default_factory=dict)  # feature -> 0..1
    history: list[UsagePoint] = Field(default_factory=list)


class Financials(_Model):
    current_arr: float = Field(default=0.0, alias="currentARR")
    arr_history: list[dict[str, Any]] = Field(default_factory=list)  # [{"year": 2025, "arr": 180000}]
    payment_history: list[dict[str, Any]] = Field(default_factory=list)  # [{"date": ..., "status": "paid"}]


class Engagement(_Model):
    last_meeting: date | None = None
    meeting_frequency: str | None = None  # "monthly", "quarterly", ...
    support_tickets: int = 0  # open tickets
    qbr_status: str | None = None
    engagement_score: int | None = None  # 0..100 from Active
    nps: int | None = None


class ContextData(_Model):
    salesforce: SalesforceData = Field(default_factory=SalesforceData)
    usage: Usage = Field(default_factory=Usage)
    financials: Financials = Field(default_factory=Financials)
    engagement: Engagement = Field(default_factory=Engagement)


class RiskSignal(_Model):
    """What the customer-intelligence platform (Active) said in its webhook."""

    event_id: str
    type: str
    occurred_at: datetime
    customer_id: str
    customer_name: str | None = None
    risk_score: int | None = None  # Active's own risk estimate, 0..100
    usage_change_pct: float | None = None
    engagement_score: int | None = None
    support_tickets_open: int | None = None
    renewal_date: date | None = None
    notes: str | None = None
    retry_of: str | None = None  # a manager's retry of this failed event (its own event id is new)


class CustomerContext(_Model):
    customer: CustomerInfo
    data: ContextData = Field(default_factory=ContextData)
    signal: RiskSignal | None = None


class SignalFailure(BaseModel):
    """A signal whose processing failed for good, kept so a manager can retry it."""

    signal: RiskSignal
    reason: str


class SignalOutcome(BaseModel):
    """What became of one signal; the workflow keeps the last few for operators."""

    event_id: str
    result: str  # renewal, renewal_closed, no_renewal, unknown_customer, duplicate, failed
    detail: str
    renewal_workflow_id: str | None = None
    stage: str | None = None
    assigned_to: str | None = None
    priority_score: int | None = None


class IntelligenceInput(BaseModel):
    customer_id: str
    # Carried across continue-as-new so nothing queued or seen is lost.
    pending: list[RiskSignal] = Field(default_factory=list)
    seen_event_ids: list[str] = Field(default_factory=list)
    recent: list[SignalOutcome] = Field(default_factory=list)
    # How long the workflow waits for another signal before it finishes (tests shorten it).
    idle_timeout_s: float = Field(3600.0, gt=0)


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
