from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class AppLock(Base):
    """Named locks held for one transaction (see db.locks)."""

    __tablename__ = "app_locks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
