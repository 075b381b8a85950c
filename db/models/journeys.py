from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class Lead(Base):
    __tablename__ = "leads"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(60), default="")
    region: Mapped[str | None] = mapped_column(String(60))
    timezone: Mapped[str] = mapped_column(String(60), default="America/New_York")
    stage: Mapped[str] = mapped_column(String(30), default="new", index=True)
    score: Mapped[int] = mapped_column(default=0)
    channel_preference: Mapped[str] = mapped_column(String(10), default="email")
    opt_out_email: Mapped[bool] = mapped_column(default=False)
    opt_out_sms: Mapped[bool] = mapped_column(default=False)
    properties: Mapped[dict[str, Any]]
    engagement: Mapped[dict[str, Any]]  # counters per event type and channel
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_engaged_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LeadEvent(Base):
    __tablename__ = "lead_events"
    __table_args__ = (Index("ix_lead_events_lead_at", "lead_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"))
    type: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str | None] = mapped_column(String(10))
    data: Mapped[dict[str, Any]]
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Journey(Base):
    __tablename__ = "journeys"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    active_version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class JourneyVersion(Base):
    __tablename__ = "journey_versions"
    __table_args__ = (UniqueConstraint("journey_id", "version", name="uq_journey_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[str] = mapped_column(ForeignKey("journeys.id"))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(Text, default="")  # the YAML as published
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JourneyCanvas(Base):
    """Where the builder draws a journey's steps ({step id: {x, y}}): layout only, so it lives beside the
    versions, is kept across them (steps keep their ids) and no walk or YAML export ever reads it."""

    __tablename__ = "journey_canvas"

    journey_id: Mapped[str] = mapped_column(ForeignKey("journeys.id"), primary_key=True)
    positions: Mapped[dict[str, Any]]
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Enrollment(Base):
    """Projection of one lead walking one journey (a JourneyWorkflow)."""

    __tablename__ = "journey_enrollments"
    __table_args__ = (
        Index("ix_enrollments_journey_status", "journey_id", "version", "status"),
        Index("ix_enrollments_lead", "lead_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # workflow id
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"))
    journey_id: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))  # active / completed / goal_met / exited / failed
    current_step: Mapped[str | None] = mapped_column(String(60))
    exit_reason: Mapped[str | None] = mapped_column(String(300))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    seq: Mapped[int] = mapped_column(default=0)
    walk: Mapped[int] = mapped_column(default=1, server_default="1")  # the lead's n-th walk of this journey
    # "<journey>:<lead>" while the walk is active, NULL after: unique, so a lead walks a journey once at a time.
    open_key: Mapped[str | None] = mapped_column(String(300), unique=True)


class StepVisit(Base):
    """One lead entering one step, for the funnel, drop-off and time in stage."""

    __tablename__ = "journey_step_visits"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "seq", name="uq_step_visit"),
        Index("ix_step_visits_journey", "journey_id", "version", "step_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[str] = mapped_column(String(200))
    journey_id: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    step_id: Mapped[str] = mapped_column(String(60))
    seq: Mapped[int]
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(300), default="")


class Handoff(Base):
    """seed 003's agent_handoffs: who takes over a lead, why, and with what context."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"))
    from_agent: Mapped[str] = mapped_column(String(40))
    to_agent: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(300))
    context: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntakeRequest(Base):
    """A lead intake answered under an idempotency key: a retried POST with the key gets this answer back and
    creates or enrols nothing more. Kept only for intakes that succeeded (a 503 is retried for real)."""

    __tablename__ = "intake_requests"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64))  # the same key with another body is refused
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class JourneyHold(Base):
    """A journey whose send the kill switch holds: it waits for a signal, which lifting the switch sends to
    every journey listed here (then the row goes)."""

    __tablename__ = "journey_holds"

    workflow_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    since: Mapped[datetime] = mapped_column(default=utcnow)
