from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow

OUTBOX_STATES = ("queued", "approved", "sent", "rejected", "failed")


class OutboxEntry(Base):
    """Every outbound side effect, keyed by an idempotency key derived from the
    workflow and step, so a retried or replayed activity never acts twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # salesforce_task, sms, email, door_lock, ...
    target: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(10))  # sms / email for messages
    recipient: Mapped[str | None] = mapped_column(String(60), index=True)  # member or prospect id
    approval_id: Mapped[str | None] = mapped_column(String(60))
    workflow_id: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
