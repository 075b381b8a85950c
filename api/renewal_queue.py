"""Whose renewal queue a caller may see, and the day the queue's figures count
from: shared by the queue pages, the renewals JSON API and analytics."""

from __future__ import annotations

from datetime import UTC, datetime, time

from api.auth import CurrentUser, Forbidden


def start_of_today() -> datetime:
    return datetime.combine(datetime.now(UTC).date(), time.min, tzinfo=UTC)


def queue_owner(user: CurrentUser, csm: str | None) -> str | None:
    """CSMs see their own queue; managers and operators any CSM's, or everyone's (None)."""
    if user.role == "csm":
        if csm and csm != user.email:
            raise Forbidden("CSMs can only see their own queue")
        return user.email
    return None if not csm or csm == "all" else csm
