"""Journeys: the inputs, signals and activity payloads of the journey workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.journey_definitions import JourneyDefinition


class LeadSnapshot(BaseModel):
    """The lead as conditions see it; refreshed by every event and lead update."""

    id: str
    first_name: str = ""
    email: str | None = None
    phone: str | None = None
    region: str | None = None
    source: str = ""
    timezone: str = "America/New_York"
    stage: str = "new"
    score: int = 0
    channel_preference: str = "email"
    opt_out_email: bool = False
    opt_out_sms: bool = False
    created_at: datetime
    last_engaged_at: datetime | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    engagement: dict[str, int] = Field(default_factory=dict)

    def flat(self) -> dict[str, Any]:
        """Standard fields, custom properties and engagement counters in one namespace."""
        base = self.model_dump(exclude={"properties", "engagement"})
        return {**self.engagement, **self.properties, **base}


class JourneyInput(BaseModel):
    lead_id: str
    journey_id: str
    version: int
    definition: JourneyDefinition
    time_scale: float = Field(1.0, gt=0, le=1.0)  # tests and benchmarks shrink the waits (never the real caps)


class Engagement(BaseModel):
    event_id: str
    type: str
    channel: str | None = None
    at: datetime
    data: dict[str, Any] = Field(default_factory=dict)
    lead: LeadSnapshot


class SendRequest(BaseModel):
    key: str
    enrollment_id: str
    lead_id: str
    journey_id: str
    step_id: str
    channel: Literal["email", "sms", "chat", "auto"]
    subject: str | None
    body: str
    holds: int = 0  # times the kill switch has held this send so far (the next check backs off further)


class SendOutcome(BaseModel):
    state: Literal["sent", "deferred", "skipped"]
    detail: str
    channel: str | None = None
    retry_at: datetime | None = None
    opted_out_everywhere: bool = False
    held: bool = False  # deferred by the kill switch: lifting it signals the journey (retry_at is a fallback)


class HandoffRequest(BaseModel):
    key: str
    enrollment_id: str
    lead_id: str
    journey_name: str
    from_agent: str
    to: str
    reason: str
    previous_agents: list[str]


class LeadChange(BaseModel):
    lead_id: str
    set: dict[str, Any] = Field(default_factory=dict)
    score_delta: int = 0


class RetryStepInput(BaseModel):
    """A manager retries a step that failed for good (its data fixed since)."""

    step_id: str = Field(min_length=1, max_length=60)
    by: str = Field(min_length=1, max_length=200)


class Visit(BaseModel):
    seq: int
    step_id: str
    entered_at: datetime
    left_at: datetime | None = None
    outcome: str = ""


class EnrollmentUpdate(BaseModel):
    id: str
    lead_id: str
    journey_id: str
    version: int
    status: Literal["active", "completed", "goal_met", "exited", "failed"]
    current_step: str | None
    exit_reason: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    visits: list[Visit] = Field(default_factory=list)
