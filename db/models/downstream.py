from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class DownstreamWait(Base):
    """An activity waiting for an outside system that is down (one row per activity, gone once it succeeds):
    what the pages show as "waiting for Salesforce since 10:42, next try 10:47"."""

    __tablename__ = "downstream_waits"

    workflow_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    activity_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    system: Mapped[str] = mapped_column(String(40), index=True)  # salesforce / active / clubos / smtp
    activity_type: Mapped[str] = mapped_column(String(100))
    since: Mapped[datetime]
    attempt: Mapped[int]
    last_error: Mapped[str] = mapped_column(String(500))
    next_try: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
