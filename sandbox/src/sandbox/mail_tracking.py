"""Email tracking as a mail provider reports it: "opened" / "clicked" for a mail the
SMTP sink received becomes a signed engagement event to Renubu's
`POST /webhooks/events` (type, channel email, the recipient's address, a fresh
event id). It is signed like Renubu's intake webhooks (X-Renubu-Timestamp and
X-Renubu-Signature, HMAC with the intake secret) and goes through the shared
dispatcher, so a 5xx is retried and every attempt is logged."""

from __future__ import annotations

import json
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import httpx

from sandbox.active.webhook_records import DeliveryAttempt, WebhookEvent
from sandbox.active.webhooks import to_renubu
from sandbox.persist import MEMORY, StateStore
from sandbox.settings import SandboxSettings
from sandbox.smtp_sink import StoredMail

Tracked = Literal["opened", "clicked"]
TRACKED: tuple[Tracked, ...] = ("opened", "clicked")
_KEPT = 1000


@dataclass(frozen=True)
class TrackingEvent:
    event_id: str
    mail_id: str
    type: str
    recipient: str
    at: datetime


class MailTracking:
    def __init__(
        self,
        settings: SandboxSettings,
        *,
        store: StateStore = MEMORY,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.dispatcher = to_renubu(
            settings,
            settings.engagement_webhook_url,
            user_agent="Sandbox-Mail-Tracking/1.0",
            transport=transport,
            store=store,
            name="mail_tracking",
        )
        self._stored = store.table("mail_tracking.sent", TrackingEvent)
        self.sent: deque[TrackingEvent] = deque(self._stored.load(keep=_KEPT), maxlen=_KEPT)

    async def track(self, mail: StoredMail, kind: Tracked, now: datetime) -> list[dict[str, Any]]:
        """One event per recipient; returns each with its first delivery attempt."""
        results = []
        for recipient in mail.envelope_to:
            event_id = f"trk_{mail.id}_{kind}_{uuid.uuid4().hex[:12]}"
            payload = {
                "event_id": event_id,
                "type": kind,
                "channel": "email",
                "email": recipient,
                "occurred_at": now.isoformat(),
                "data": {"mail_id": mail.id, "message_id": mail.message_id, "subject": mail.subject},
            }
            body = json.dumps(payload, separators=(",", ":")).encode()
            event = TrackingEvent(event_id, mail.id, kind, recipient, now)
            self.sent.append(event)
            self._stored.put(event)
            attempts = await self.dispatcher.deliver(
                WebhookEvent(event_id, f"email.{kind}", recipient, body, now), wait_first=True
            )
            results.append({"event_id": event_id, "type": kind, "email": recipient, "delivery": attempts[0].as_dict()})
        return results

    def latest(self, event_id: str) -> DeliveryAttempt | None:
        """The newest attempt for an event (a retried one moves on from its first answer)."""
        return next((a for a in reversed(self.dispatcher.attempts) if a.event_id == event_id), None)

    def by_mail(self) -> dict[str, list[tuple[TrackingEvent, DeliveryAttempt | None]]]:
        rows: dict[str, list[tuple[TrackingEvent, DeliveryAttempt | None]]] = {}
        for event in self.sent:
            rows.setdefault(event.mail_id, []).append((event, self.latest(event.event_id)))
        return rows

    def clear(self) -> None:
        self.sent.clear()
        self._stored.clear()
        self.dispatcher.clear()

    async def aclose(self) -> None:
        await self.dispatcher.aclose()
