"""Inputs and results of the inbox sync and message triage workflows."""

from __future__ import annotations

from pydantic import BaseModel, Field

from inbox.models import Classification, Draft, TriageContext


class InboxSyncInput(BaseModel):
    cursor: str | None = None  # ClubOS's inbox cursor: carried across continue-as-new
    poll_interval_s: float = Field(10.0, ge=1.0, le=3600.0)
    polls: int = 0
    stored: int = 0
    polls_per_run: int = Field(300, ge=1)  # continue as new after this many polls


class SyncResult(BaseModel):
    cursor: str | None
    fetched: int
    stored: int
    triage_started: int


class SyncStatus(BaseModel):
    cursor: str | None
    poll_interval_s: float
    polls: int
    stored: int


class TriageInput(BaseModel):
    message_id: int
    # From settings.approval_ttl_hours, read by whoever starts the triage (workflow code cannot read
    # settings). The default keeps histories recorded before the field existed replaying as they ran.
    approval_ttl_s: int = Field(24 * 3600, ge=1, description="how long a manager approval waits before expiring")


class ClassifyRequest(BaseModel):
    context: TriageContext
    offline_reason: str | None = None


class DraftRequest(BaseModel):
    context: TriageContext
    classification: Classification
    offline_reason: str | None = None


class ReplyRequest(BaseModel):
    message_id: int
    body: str
    sent_by: str  # "ai" or a staff email
    key: str
    opt_out_confirmation: bool = False


class ReplyResult(BaseModel):
    state: str  # sent / rejected / failed
    detail: str


class TriageRecord(BaseModel):
    message_id: int
    classification: Classification
    decision: str
    reason: str
    mode: str
    draft: Draft | None = None
    approval_id: str | None = None
    requires_response: bool
