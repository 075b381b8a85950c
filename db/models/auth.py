from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow

ROLES = ("manager", "csm", "operator")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    experience: Mapped[str | None] = mapped_column(String(20))  # CSMs: junior/mid/senior/principal
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Sessions carry the version they were issued with; bumping it (logout everywhere, a new password,
    # disabling the user) ends every one of them.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")


class ApiKey(Base):
    """Keys for scripts; only a SHA-256 of the key is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime | None]  # None: made before keys expired (listed, revocable)


class LoginFailure(Base):
    """Failed logins per account and per address, shared by every API process: the login throttle counts here,
    so running several API processes does not multiply the guesses allowed."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)  # "account:<email>" or "address:<ip>"
    count: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(index=True)
    blocked_until: Mapped[datetime | None]
