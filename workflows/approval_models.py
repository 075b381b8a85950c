"""Approval requests and decisions, shared by every workflow kind."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from workflows.renewal_models import Actor

OutcomeStatus = Literal["approved", "partially_approved", "denied", "expired"]


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
        if self.status == "denied":
            return f"Denied{who}: {self.reason or 'no reason given'}"
        count = len(self.approved_ids)
        edited = " with edits" if self.edits else ""
        return f"{'Approved' if self.status == 'approved' else 'Partially approved'}{who}{edited}: {count} item(s)"


def decision_outcome(req: ApprovalRequest, d: ApprovalDecision, now: datetime) -> ApprovalOutcome:
    """Checks a decision against its request; ValueError says what is wrong."""
    if d.actor.role != "manager":
        raise ValueError("only a manager can decide approvals")
    if now >= req.expires_at:
        raise ValueError("the approval request has expired")
    if not d.approve:
        if not d.reason.strip():
            raise ValueError("a denial needs a reason")
        return ApprovalOutcome(
            approval_id=req.id, status="denied", decided_by=d.actor.email, decided_at=now, reason=d.reason
        )
    all_ids = [i.id for i in req.items]
    chosen = all_ids if d.item_ids is None else d.item_ids
    unknown = sorted(set(chosen) - set(all_ids))
    if unknown:
        raise ValueError(f"not in this request: {', '.join(unknown[:5])}")
    if req.items and not chosen:
        raise ValueError("approve at least one item, or deny the request")
    if d.edits:
        bad = sorted(set(d.edits) - set(req.editable or {}))
        if bad:
            raise ValueError(f"these fields cannot be edited: {', '.join(bad)}")
        if any(not v.strip() for v in d.edits.values()):
            raise ValueError("edited fields cannot be empty")
    partial = len(set(chosen)) < len(all_ids)
    ordered = [i for i in all_ids if i in set(chosen)]
    return ApprovalOutcome(
        approval_id=req.id,
        status="partially_approved" if partial else "approved",
        approved_ids=ordered,
        decided_by=d.actor.email,
        decided_at=now,
        reason=d.reason,
        edits=d.edits or None,
    )


def expired_outcome(req: ApprovalRequest, now: datetime) -> ApprovalOutcome:
    return ApprovalOutcome(approval_id=req.id, status="expired", decided_at=now)
