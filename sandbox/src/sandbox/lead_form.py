"""The club website's lead form, as the outside world: a submission becomes a signed
`POST /webhooks/lead` to Renubu (X-Renubu-Timestamp and X-Renubu-Signature, HMAC with
the intake secret) through the shared dispatcher, so a 5xx is retried and every
attempt is logged. Renubu's answer (the lead id, the journeys it enrolled the lead
in) is kept with the submission; submissions are kept in the state file."""

from __future__ import annotations

import json
import random
import unicodedata
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sandbox.active.webhook_records import DeliveryAttempt, WebhookEvent
from sandbox.active.webhooks import to_renubu
from sandbox.persist import MEMORY, StateStore
from sandbox.settings import SandboxSettings
from sandbox.wordlists import FIRST_NAMES, LAST_NAMES

_KEPT = 200
# Region -> (area code, time zone) for random people; the geographic journey branches on California and Texas.
REGIONS = {
    "California": ("415", "America/Los_Angeles"),
    "Texas": ("512", "America/Chicago"),
    "New York": ("212", "America/New_York"),
    "Florida": ("305", "America/New_York"),
    "Illinois": ("312", "America/Chicago"),
}
TIMEZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles")
INTERESTS = ("group classes", "strength training", "yoga", "swimming", "personal training", "weight loss")


class LeadFormIn(BaseModel):
    """What the website's form checks before it posts; deliberately the sandbox's own model, not Renubu's."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)
    phone: str | None = Field(None, pattern=r"^\+[1-9]\d{7,14}$", description="E.164, e.g. +14155550123")
    source: str = Field("website", min_length=1, max_length=60)
    region: str | None = Field(None, max_length=60)
    timezone: str = Field("America/New_York", max_length=60)
    interest: str | None = Field(None, max_length=200)

    @field_validator("email", "phone", "region", "interest", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        """A form posts an empty field as ""; the website leaves it out."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _reachable(self) -> LeadFormIn:
        if not self.email and not self.phone:
            raise ValueError("give an email or a phone number")
        return self

    def to_renubu(self) -> dict[str, Any]:
        """The intake payload: empty optional fields left out, the interest as a custom property."""
        payload = self.model_dump(exclude_none=True, exclude={"interest"})
        payload["properties"] = {"interest": self.interest} if self.interest else {}
        return payload


@dataclass
class LeadSubmission:
    event_id: str
    payload: dict[str, Any]
    at: datetime
    answer: dict[str, Any] | None = field(default=None)  # Renubu's reply to the latest successful attempt

    @property
    def name(self) -> str:
        return f"{self.payload.get('first_name', '')} {self.payload.get('last_name', '')}".strip()


class LeadForm:
    def __init__(
        self,
        settings: SandboxSettings,
        *,
        store: StateStore = MEMORY,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.dispatcher = to_renubu(
            settings,
            settings.lead_intake_url,
            user_agent="Sandbox-Lead-Form/1.0",
            transport=transport,
            on_response=self._keep_answer,
            store=store,
            name="leads",
        )
        self._stored = store.table("leads", LeadSubmission, key=lambda submission: submission.event_id)
        self.submissions: OrderedDict[str, LeadSubmission] = OrderedDict(
            (submission.event_id, submission) for submission in self._stored.load(keep=_KEPT)
        )
        self._rng = random.Random()  # unseeded: random people must not shift the seeded world's draws

    async def submit(self, form: LeadFormIn, now: datetime) -> dict[str, Any]:
        """Post the lead; returns it with its first delivery attempt (retries go on in the background)."""
        payload = form.to_renubu()
        submission = LeadSubmission(f"lead_{uuid.uuid4().hex[:12]}", payload, now)
        self.submissions[submission.event_id] = submission
        while len(self.submissions) > _KEPT:
            self.submissions.popitem(last=False)
        self._stored.put(submission)
        body = json.dumps(payload, separators=(",", ":")).encode()
        contact = payload.get("email") or payload.get("phone") or ""
        attempts = await self.dispatcher.deliver(
            WebhookEvent(submission.event_id, "lead.submitted", contact, body, now), wait_first=True
        )
        return self.as_dict(submission, attempts[0])

    def _keep_answer(self, event_id: str, response: httpx.Response) -> None:
        submission = self.submissions.get(event_id)
        if submission is None or not response.is_success:
            return
        try:
            body = response.json()
        except ValueError:
            return
        if isinstance(body, dict):
            submission.answer = {key: body.get(key) for key in ("lead_id", "created", "enrolled")}
            self._stored.put(submission)

    def latest(self, event_id: str) -> DeliveryAttempt | None:
        """The newest attempt for a submission (a retried one moves on from its first answer)."""
        return next((a for a in reversed(self.dispatcher.attempts) if a.event_id == event_id), None)

    def newest_first(self) -> list[tuple[LeadSubmission, DeliveryAttempt | None]]:
        return [(s, self.latest(s.event_id)) for s in reversed(self.submissions.values())]

    @staticmethod
    def as_dict(submission: LeadSubmission, attempt: DeliveryAttempt | None) -> dict[str, Any]:
        return {
            "event_id": submission.event_id,
            "submitted_at": submission.at.isoformat(),
            "payload": submission.payload,
            "delivery": attempt.as_dict() if attempt else None,
            "renubu": submission.answer,
        }

    def random_person(self) -> dict[str, str]:
        """Form values for a made-up person: a fresh example.com address and a 555-01xx phone (fictional)."""
        rng = self._rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        region = rng.choice(list(REGIONS))
        area, zone = REGIONS[region]
        local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode().lower()
        return {
            "first_name": first,
            "last_name": last,
            "email": f"{local}.{uuid.uuid4().hex[:4]}@example.com",
            "phone": f"+1{area}55501{rng.randrange(100):02d}",
            "region": region,
            "timezone": zone,
            "interest": rng.choice(INTERESTS),
        }

    def clear(self) -> None:
        self.submissions.clear()
        self._stored.clear()
        self.dispatcher.clear()

    async def aclose(self) -> None:
        await self.dispatcher.aclose()
