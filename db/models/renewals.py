from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class WorkflowInstance(Base):
    """Projection of each renewal workflow, written by the workflow itself.

    Queue pages read this table instead of asking Temporal about every workflow.
    `seq` grows with every state change so a late, older write never wins.
    """

    __tablename__ = "workflow_instances"
    __table_args__ = (
        Index("ix_workflow_instances_queue", "assigned_to", "status", "priority_score"),
        Index("ix_workflow_instances_status_completed", "status", "completed_at"),
        Index("ix_workflow_instances_customer", "customer_id"),
        Index("ix_workflow_instances_open", "status", "assigned_to", "stage", "renewal_date"),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # the Temporal workflow id
    customer_id: Mapped[str] = mapped_column(String(100))
    customer_name: Mapped[str] = mapped_column(String(200))
    definition_id: Mapped[str] = mapped_column(String(60))
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    assigned_to: Mapped[str] = mapped_column(String(200))
    priority_score: Mapped[int]
    priority_factors: Mapped[dict[str, Any]]
    priority_weight: Mapped[int] = mapped_column(default=0, server_default="0")  # the score before the workload term
    risk_score: Mapped[int]
    usage_trend: Mapped[float | None]
    arr: Mapped[float]
    renewal_date: Mapped[date] = mapped_column(Date)
    current_step: Mapped[str | None] = mapped_column(String(100))
    steps_done: Mapped[int] = mapped_column(default=0)
    steps_total: Mapped[int] = mapped_column(default=0)
    analysis_source: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str | None]
    outcome: Mapped[dict[str, Any] | None]
    outcome_status: Mapped[str | None] = mapped_column(String(60))
    duration_s: Mapped[float | None]  # started -> completed, for analytics
    seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkflowStepHistory(Base):
    """Audit trail: one row per completed step (seed: workflow_step_history)."""

    __tablename__ = "workflow_step_history"
    __table_args__ = (UniqueConstraint("workflow_id", "definition_id", "step_id", name="uq_step_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    definition_id: Mapped[str] = mapped_column(String(60))
    step_id: Mapped[str] = mapped_column(String(100))
    step_name: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime]
    duration_s: Mapped[float]
    outcomes: Mapped[dict[str, Any]]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RenewalPeriod(Base):
    """One renewal per customer per renewal period, claimed in our database before its workflow starts.

    Temporal's workflow-id reuse only remembers a closed renewal while its history is retained; this row
    outlives retention, so a late signal for a closed period never starts a second renewal.
    """

    __tablename__ = "renewal_periods"

    customer_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    renewal_date: Mapped[date] = mapped_column(Date, primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(200), unique=True)  # the period's one renewal workflow
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, or how it closed
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
