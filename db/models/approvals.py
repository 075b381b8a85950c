from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow

APPROVAL_STATUSES = ("pending", "approved", "partially_approved", "denied", "expired", "withdrawn")


class Approval(Base):
    """One approval request from any workflow kind; the workflow holds the truth,
    this row is the cross-workflow queue the dashboards and the CLI read."""

    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approvals_status_requested", "status", "requested_at"),)

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    workflow_kind: Mapped[str] = mapped_column(String(20))  # campaign / renewal / inbox / nurture / schedule
    action: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why policy asked for approval
    items: Mapped[list[Any]]  # [{"id", "label", "detail"}]
    editable: Mapped[dict[str, Any] | None]  # e.g. {"body": "..."} for Edit before send
    status: Mapped[str] = mapped_column(String(30), default="pending")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    decision: Mapped[dict[str, Any] | None]  # approved ids, reason, edits


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    ref: Mapped[str] = mapped_column(String(200), unique=True)  # idempotency: one per event
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
