"""What the journeys JSON API answers, as pydantic models, so the OpenAPI schema
documents each response (times are ISO 8601 text, as the API has always sent)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class JourneySummary(BaseModel):
    id: str
    name: str
    active: bool
    active_version: int
    enrollments: dict[str, int] = Field(description="enrollments per status")


class VersionOut(BaseModel):
    version: int
    note: str
    created_by: str
    created_at: str


class JourneyOut(BaseModel):
    id: str
    name: str
    active: bool
    active_version: int
    version: int = Field(description="the version shown (the active one unless asked)")
    definition: dict[str, Any]
    source: str = Field(description="the YAML as published")
    versions: list[VersionOut]


class Published(BaseModel):
    journey_id: str
    version: int
    active: bool


class VersionActivated(BaseModel):
    journey_id: str
    active_version: int


class Switched(BaseModel):
    journey_id: str
    active: bool


class PathLineOut(BaseModel):
    at: str = Field(description='time since entering, e.g. "2 days, 3:00:00"')
    step_id: str
    kind: str
    action: str
    why: str


class DryRunOut(BaseModel):
    version: int
    outcome: str
    path: list[PathLineOut]


class Enrolled(BaseModel):
    result: str = Field(description="enrolled / already_enrolled / not_eligible / inactive")
    workflow_id: str


class StepAnalytics(BaseModel):
    step_id: str
    reached: int
    dropped: int
    avg_time_s: float | None


class AnalyticsOut(BaseModel):
    version: int | None = Field(description="null: every version")
    enrolled: int
    by_status: dict[str, int]
    goal_met: int
    conversion: float | None
    steps: list[StepAnalytics]


class EnrollmentOut(BaseModel):
    id: str
    journey_id: str
    version: int
    status: str
    current_step: str | None
    exit_reason: str | None


class LeadEventOut(BaseModel):
    type: str
    channel: str | None
    at: str


class HandoffOut(BaseModel):
    to: str
    reason: str
    context: Any


class LeadDetail(BaseModel):
    lead: dict[str, Any]
    enrollments: list[EnrollmentOut]
    events: list[LeadEventOut]
    handoffs: list[HandoffOut]


class RetryStarted(BaseModel):
    """The journey accepted the retry: the step's outcome after it, or null while it still goes on (a hold)."""

    enrollment_id: str
    step_id: str
    outcome: str | None


class PublishError(BaseModel):
    path: str  # where in the journey definition, "(root)" for the whole of it
    message: str


class PublishRejectedOut(BaseModel):
    """A 422 from publishing: either the definition's own errors or FastAPI's request validation."""

    detail: list[PublishError | dict[str, Any]]
