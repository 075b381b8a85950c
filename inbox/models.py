"""What triage passes between its steps."""

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


class Classification(BaseModel):
    category: Category
    confidence: float = Field(ge=0, le=1)
    sub_intent: str | None = Field(None, max_length=60)
    source: str = ""


class Draft(BaseModel):
    body: str = Field(min_length=1, max_length=1600)
    source: str = ""
