"""The inbox: what triage passes between its steps, and the inputs and results of the inbox sync, message
triage and staff reply workflows and their activities."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Category = Literal[
    "question",
    "scheduling",
    "payment_inquiry",
    "payment_processing",
    "cancellation",
    "refund",
    "contract_change",
    "complaint",
    "praise",
    "confirmation",
    "opt_out",
    "other",
]


class HistoryLine(BaseModel):
    direction: Literal["incoming", "outgoing"]
    body: str
    at: datetime


class MemberFacts(BaseModel):
    id: str
    first_name: str
    status: str
    amount_past_due: float
    days_past_due: int
    last_check_in: datetime | None
    membership_type: str


class TriageContext(BaseModel):
    message_id: int
    clubos_message_id: str
    conversation_id: str
    member_id: str
    member_name: str
    channel: str
    body: str
    history: list[HistoryLine] = Field(default_factory=list)  # oldest first, this message excluded
    member: MemberFacts | None = None
    ai_handling: bool = True
    mode: Literal["off", "suggest", "auto"] = "auto"


# What a safe question or request is about; replies say which of these they answer.
Topic = Literal[
    "hours",
    "holiday_hours",
    "classes",
    "pool",
    "guest_pass",
    "personal_training",
    "pricing",
    "location",
    "amenities",
    "age_policy",
    "balance",
    "booking",
    "reschedule",
    "thanks",
    "confirm",
    "general",
]


class Intent(BaseModel):
    """One thing a message asks or says; a message with three clauses may carry three."""

    category: Category
    topic: str | None = Field(None, max_length=40)  # a Topic for safe intents
    confidence: float = Field(1.0, ge=0, le=1)


class Classification(BaseModel):
    category: Category  # the riskiest intent's (rules.triage.whole_message)
    confidence: float = Field(ge=0, le=1)
    sub_intent: str | None = Field(None, max_length=60)
    source: str = ""
    intents: list[Intent] = Field(default_factory=list)  # riskiest first
    flags: list[str] = Field(default_factory=list)  # rules.risk flags, most serious first
    urgent: list[str] = Field(default_factory=list)  # the flags that notify managers at once
    evidence: dict[str, str] = Field(default_factory=dict)  # flag -> the words that raised it

    def asked(self) -> list[str]:
        """The topics a reply must answer (every safe intent's)."""
        return [i.topic or i.category for i in self.intents]


class Draft(BaseModel):
    body: str = Field(min_length=1, max_length=1600)
    source: str = ""
    answers: list[str] = Field(default_factory=list)  # the topics the reply answers
    hand_off: str | None = Field(None, max_length=200)  # why this reply must not go out on its own
    follow_up: bool = False  # staff still have something to do (confirm a booking)


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
    # From settings.club.approval_ttl_hours, read by whoever starts the triage (workflow code cannot read
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
