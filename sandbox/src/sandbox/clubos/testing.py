"""Helpers for testing against the in-process ClubOS sandbox (see sandbox.testing for the rest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.settings import SandboxSettings
from sandbox.testing import make_settings

API_KEY = "test-clubos-key"
API = {"X-Api-Key": API_KEY}
WEBHOOK_URL = "http://renubu.test/webhooks/clubos/messages"
WEBHOOK_SECRET = "test-clubos-secret"  # noqa: S105 - a fixed value for tests, not a secret

_PINNED: dict[str, Any] = {
    "clubos_api_key": API_KEY,
    "clubos_base_url": "http://127.0.0.1:8100/clubos",
    "clubos_club_id": "club-riverside",
    "clubos_webhook_url": WEBHOOK_URL,
    "clubos_webhook_secret": WEBHOOK_SECRET,
    "clubos_inbound_interval_s": 0.0,
}


def clubos_settings(**overrides: Any) -> SandboxSettings:
    """make_settings() with every ClubOS setting pinned too."""
    return make_settings(**{**_PINNED, **overrides})


def with_key(key: str) -> dict[str, str]:
    return {**API, "Idempotency-Key": key}


class ManualClock:
    """A clock tests move by hand, for delivery status and link expiry: `club.clock = ManualClock()`."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
