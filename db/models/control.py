from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class Suppression(Base):
    """Contacts that must not be messaged (STOP replies, admin entries); enforced at send time."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("channel", "contact", name="uq_suppression_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms / email / all
    contact: Mapped[str] = mapped_column(String(200))  # normalised phone or email, or a member id
    member_id: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(40))  # admin / stop_reply / bounce
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ControlSetting(Base):
    """Operational switches: the kill switch, the daily LLM budget."""

    __tablename__ = "control_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LiveEvent(Base):
    """Append-only feed the API tails to push server-sent events to browsers."""

    __tablename__ = "live_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40))  # run / approval / agent / outbox / control / inbox / ...
    ref: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
