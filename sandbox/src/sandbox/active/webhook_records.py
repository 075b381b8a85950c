"""What a webhook delivery puts on the wire and keeps: the event, each attempt, the signature, Retry-After."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

MAX_RETRY_AFTER_S = 3600

Outcome = Literal["delivered", "retrying", "failed"]


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    type: str
    customer_id: str
    body: bytes  # the exact bytes sent (and signed) on every attempt and redelivery
    created: datetime


@dataclass(frozen=True)
class DeliveryAttempt:
    event_id: str
    attempt: int
    url: str
    status_code: int | None
    latency_ms: float
    error: str | None
    outcome: Outcome
    retry_in_s: float | None
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "at": self.at.isoformat()}


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` + hex HMAC-SHA256 over "<timestamp>.<raw body>"."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER_S)
