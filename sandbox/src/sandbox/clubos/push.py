"""Push: a signed `message.created` webhook for each member message, through the shared dispatcher.

Push is best effort, as with real providers, so clients must also poll the inbox. The admin can
switch it off or drop a share of events (`drop_rate`, deterministic from the seed, or exactly the
next `drop_next`) to prove that polling finds what push missed. Those settings and the push log are
kept in the state file (the drop-rate draws start again from the seed after a restart).
"""

from __future__ import annotations

import json
import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sandbox.active.signals import new_event_id
from sandbox.active.webhook_records import WebhookEvent
from sandbox.active.webhooks import WebhookDispatcher
from sandbox.clubos.inbox import InboxMessage
from sandbox.clubos.models import iso
from sandbox.persist import MEMORY, StateStore

EVENT_TYPE = "message.created"
_KEPT_PUSHES = 1000
PushOutcome = Literal["queued", "dropped", "disabled"]


@dataclass(frozen=True)
class PushRecord:
    event_id: str
    message_id: str
    outcome: PushOutcome
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "message_id": self.message_id,
            "outcome": self.outcome,
            "at": iso(self.at),
        }


_DEFAULTS: dict[str, Any] = {"enabled": True, "drop_rate": 0.0, "drop_next": 0}


class Push:
    def __init__(self, dispatcher: WebhookDispatcher, seed: int, store: StateStore = MEMORY) -> None:
        self.dispatcher = dispatcher
        self._store = store
        stored = store.setting("clubos.push", _DEFAULTS)
        self.enabled: bool = stored["enabled"]
        self.drop_rate: float = stored["drop_rate"]
        self.drop_next: int = stored["drop_next"]
        self._rng = random.Random(f"clubos-push:{seed}")
        self._log = store.table("clubos.pushes", PushRecord)
        self.log: deque[PushRecord] = deque(self._log.load(keep=_KEPT_PUSHES), maxlen=_KEPT_PUSHES)

    def configure(self, *, enabled: bool | None, drop_rate: float | None, drop_next: int | None) -> None:
        """Change what is given (None: keep)."""
        if enabled is not None:
            self.enabled = enabled
        if drop_rate is not None:
            self.drop_rate = drop_rate
        if drop_next is not None:
            self.drop_next = drop_next
        self._save()

    def _save(self) -> None:
        values = {"enabled": self.enabled, "drop_rate": self.drop_rate, "drop_next": self.drop_next}
        self._store.set_setting("clubos.push", _DEFAULTS, values)

    def settings(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "drop_rate": self.drop_rate,
            "drop_next": self.drop_next,
            "url": self.dispatcher.url,
            "backoff_scale": self.dispatcher.backoff_scale,
        }

    async def publish(self, message: InboxMessage, now: datetime, *, wait_first: bool = False) -> dict[str, Any]:
        """Announce `message`; returns the push record, plus the first delivery attempt with `wait_first`."""
        event_id = new_event_id(now)
        outcome = self._outcome()
        record = PushRecord(event_id, message.id, outcome, now)
        self.log.append(record)
        self._log.put(record)
        result: dict[str, Any] = {"event_id": event_id, "outcome": outcome, "deliveries": []}
        if outcome == "queued":
            payload = {
                "event_id": event_id,
                "type": EVENT_TYPE,
                "occurred_at": iso(now),
                "message": message.as_dict(),
            }
            body = json.dumps(payload, separators=(",", ":")).encode()
            event = WebhookEvent(event_id, EVENT_TYPE, message.member_id, body, now)
            attempts = await self.dispatcher.deliver(event, wait_first=wait_first)
            result["deliveries"] = [attempt.as_dict() for attempt in attempts]
        return result

    def clear(self) -> None:
        self.log.clear()
        self._log.clear()
        self.dispatcher.clear()

    def _outcome(self) -> PushOutcome:
        if not self.enabled:
            return "disabled"
        if self.drop_next:
            self.drop_next -= 1
            self._save()
            return "dropped"
        # Draw only when a rate is set, so switching drops on and off keeps the sequence reproducible.
        if self.drop_rate and self._rng.random() < self.drop_rate:
            return "dropped"
        return "queued"
