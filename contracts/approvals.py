"""Approval requests and decisions, shared by every workflow kind."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from contracts.actors import Actor

OutcomeStatus = Literal["approved", "partially_approved", "denied", "expired", "withdrawn"]


class ApprovalItem(BaseModel):
    id: str
    label: str
    detail: str = ""


class ApprovalRequest(BaseModel):
    id: str
    workflow_id: str
    workflow_kind: Literal["campaign", "renewal", "inbox", "nurture", "schedule"]
    action: str
    title: str  # "Lock door access for 34 members?"
    summary: str = ""
    reason: str  # why the policy asked
    items: list[ApprovalItem] = Field(default_factory=list)
    # Many items travel by reference: their ids here, the items themselves stored under `items_ref` (the agent's
    # stored targets), filled into the approvals queue when the request is recorded.
    item_ids: list[str] = Field(default_factory=list)
    items_ref: str | None = None
    editable: dict[str, str] | None = None  # fields a manager may edit before sending, with current values
    requested_at: datetime
    expires_at: datetime


class ManagerAlert(BaseModel):
    """Something managers must see at once, on the dashboard and by email/Slack when configured."""

    ref: str  # one alert per event, e.g. "alert:triage-<ClubOS message id>"
    workflow_id: str
    title: str
    body: str = ""
    link: str  # a path on the dashboard


class ApprovalDecision(BaseModel):
    """Approve all (item_ids None), approve a subset (item_ids), deny (approve False,
    with a reason), or approve with edits (edits)."""

    approval_id: str
    actor: Actor
    approve: bool
    item_ids: list[str] | None = None
    reason: str = Field(default="", max_length=1000)
    edits: dict[str, str] | None = None


class ApprovalOutcome(BaseModel):
    approval_id: str
    status: OutcomeStatus
    approved_ids: list[str] = Field(default_factory=list)
    decided_by: str | None = None
    decided_at: datetime
    reason: str = ""
    edits: dict[str, str] | None = None

    @property
    def approved(self) -> bool:
        return self.status in ("approved", "partially_approved")

    def summary(self) -> str:
        who = f" by {self.decided_by}" if self.decided_by else ""
        if self.status == "expired":
            return "The approval request expired: nothing was done (the safe default)."
        if self.status == "withdrawn":
            return f"Withdrawn: {self.reason}. Nothing was done."
        if self.status == "denied":
            return f"Denied{who}: {self.reason or 'no reason given'}"
        edited = " with edits" if self.edits else ""
        said = f"{'Approved' if self.status == 'approved' else 'Partially approved'}{who}{edited}"
        # A request of one action (a renewal's email) has no items: counting them said "0 item(s)".
        return f"{said}: {len(self.approved_ids)} item(s)" if self.approved_ids else said
