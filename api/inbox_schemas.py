"""What the inbox JSON API answers (/api/inbox/...): the response models that document it in the OpenAPI schema.
The field names are the API contract scripts rely on; times are ISO 8601 text."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ConversationSummaryOut(BaseModel):
    """A conversation as the list shows it."""

    id: str
    member_id: str
    member_name: str
    last_message_at: str
    preview: str
    unread_count: int
    requires_response: bool
    ai_handling: bool = Field(description="false once staff took it over")
    tags: list[Any]
    status: str = Field(description="active / resolved / archived")


class AiDecisionOut(BaseModel):
    """What the triage decided about one incoming message, and why."""

    category: str
    confidence: float
    decision: str = Field(description="auto_reply / suggest / approval / escalate / opt_out / none")
    reason: str
    source: str = Field(description="which model, or the offline classifier")
    draft: str | None
    approval_id: str | None
    mode: str
    flags: list[Any]


class MessageOut(BaseModel):
    id: int
    direction: str = Field(description="incoming / outgoing")
    channel: str
    body: str
    sent_at: str
    status: str
    sent_by: str | None = Field(description='staff email, or "ai" for the assistant\'s replies')
    rating: int | None
    requires_response: bool
    ai: AiDecisionOut | None


class ConversationOut(BaseModel):
    """One conversation with its whole thread."""

    id: str
    member_id: str
    member_name: str
    tags: list[Any]
    unread_count: int
    requires_response: bool
    ai_handling: bool
    messages: list[MessageOut]


class StatusOut(BaseModel):
    status: str


class AiHandlingOut(BaseModel):
    ai_handling: bool


class RatingOut(BaseModel):
    rating: int
    average: float | None = Field(description="over every rated AI reply")
    rated: int


class InboxMetricsOut(BaseModel):
    decisions: dict[str, int] = Field(description="how many messages got each triage decision")
    rating_average: float | None
    rated: int
    unread: int
    requires_response: int
    mode: str = Field(description="off / suggest / auto")


class ModeOut(BaseModel):
    mode: str


class PollIntervalOut(BaseModel):
    poll_interval_s: float
