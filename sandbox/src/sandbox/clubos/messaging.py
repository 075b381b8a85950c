"""Sending one SMS or email: recipient resolution, opt-outs, limits, and delivery like a carrier's.

A message is "queued" when accepted and settles on its own within a second: "delivered", or
"failed" when the address cannot receive it (landline numbers, mistyped email domains; see
people.py). The status is computed from the clock, so it moves on without a background task.
Messages to members also appear as outbound messages in their inbox conversation. Sent messages,
the prospects they touch and the opt-out confirmations given are kept in the state file.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sandbox.clubos.inbox import Inbox
from sandbox.clubos.models import ClubWorld, Member, Prospect, iso
from sandbox.clubos.people import bounces, is_landline
from sandbox.clubos.spec import Rejected
from sandbox.persist import MEMORY, StateStore

Channel = Literal["sms", "email"]
MAX_BODY_CHARS: dict[Channel, int] = {"sms": 1600, "email": 20_000}
_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass
class SentMessage:
    id: str
    channel: Channel
    to: str
    member_id: str | None
    prospect_id: str | None
    conversation_id: str | None
    subject: str | None
    body: str
    created_at: datetime
    settles_at: datetime
    failure: str | None  # why delivery fails, decided when sent; visible once settled
    campaign_id: str | None = None
    idempotency_key: str | None = None

    def status(self, now: datetime) -> str:
        if now < self.settles_at:
            return "queued"
        return "failed" if self.failure else "delivered"

    def as_dict(self, now: datetime) -> dict[str, Any]:
        status = self.status(now)
        return {
            "id": self.id,
            "channel": self.channel,
            "to": self.to,
            "member_id": self.member_id,
            "prospect_id": self.prospect_id,
            "conversation_id": self.conversation_id,
            "campaign_id": self.campaign_id,
            "subject": self.subject,
            "body": self.body,
            "status": status,
            "error": self.failure if status == "failed" else None,
            "created_at": iso(self.created_at),
            "delivered_at": iso(self.settles_at) if status == "delivered" else None,
        }


@dataclass(frozen=True)
class Recipient:
    address: str
    member: Member | None = None
    prospect: Prospect | None = None


class Messenger:
    def __init__(
        self, world: ClubWorld, inbox: Inbox, clock: Callable[[], datetime], store: StateStore = MEMORY
    ) -> None:
        self._world = world
        self._inbox = inbox
        self._clock = clock
        self._stored = store.table("clubos.sent", SentMessage, key=lambda message: message.id)
        self._prospects = store.table("clubos.prospects", Prospect, key=lambda prospect: prospect.id)
        self._confirmations = store.table("clubos.opt_out_confirmations", tuple[str, str], key=":".join)
        self.sent: list[SentMessage] = self._stored.load()
        self._by_id: dict[str, SentMessage] = {message.id: message for message in self.sent}
        self._numbers = itertools.count(len(self.sent) + 1)
        # (channel, address) already confirmed
        self._confirmed_opt_outs: set[tuple[str, str]] = set(self._confirmations.load())

    def get(self, message_id: str) -> SentMessage | None:
        return self._by_id.get(message_id)

    def find(
        self, *, member_id: str | None = None, prospect_id: str | None = None, to: str | None = None
    ) -> list[SentMessage]:
        """Newest first."""
        return [
            m
            for m in reversed(self.sent)
            if member_id in (None, m.member_id) and prospect_id in (None, m.prospect_id) and to in (None, m.to)
        ]

    def send(
        self,
        channel: Channel,
        body: str,
        *,
        subject: str | None = None,
        member_id: str | None = None,
        prospect_id: str | None = None,
        to: str | None = None,
        idempotency_key: str | None = None,
        opt_out_confirmation: bool = False,
    ) -> SentMessage:
        """Validate and send one message. Raises Rejected (-> 422) with ClubOS's error code.

        `opt_out_confirmation`: the single confirmation allowed to an address that opted out."""
        check_content(channel, body, subject)
        try:
            recipient = self.resolve(channel, member_id=member_id, prospect_id=prospect_id, to=to)
        except Rejected as rejected:
            if not (opt_out_confirmation and rejected.code == "recipient_opted_out"):
                raise
            recipient = self.resolve(channel, member_id=member_id, prospect_id=prospect_id, to=to, check_opt_out=False)
            if (channel, recipient.address) in self._confirmed_opt_outs:
                raise
            self._confirmed_opt_outs.add((channel, recipient.address))
            self._confirmations.put((channel, recipient.address))
        return self.dispatch(recipient, channel, body, subject, idempotency_key=idempotency_key)

    def resolve(
        self,
        channel: Channel,
        *,
        member_id: str | None = None,
        prospect_id: str | None = None,
        to: str | None = None,
        check_opt_out: bool = True,
    ) -> Recipient:
        """The recipient and its address for `channel`. Raises Rejected."""
        if sum(value is not None for value in (member_id, prospect_id, to)) != 1:
            raise Rejected("invalid_recipient", "Give exactly one of member_id, prospect_id or to")
        if member_id is not None:
            member = self._world.member(member_id)
            if member is None:
                raise Rejected("unknown_recipient", f"No member {member_id!r}")
            recipient = Recipient(member.phone if channel == "sms" else member.email, member=member)
        elif prospect_id is not None:
            prospect = self._world.prospect(prospect_id)
            if prospect is None:
                raise Rejected("unknown_recipient", f"No prospect {prospect_id!r}")
            recipient = Recipient(prospect.phone if channel == "sms" else prospect.email, prospect=prospect)
        else:
            assert to is not None
            pattern, kind = (_PHONE, "an E.164 phone number") if channel == "sms" else (_EMAIL, "an email address")
            if not pattern.match(to):
                raise Rejected("invalid_address", f"'to' must be {kind} for {channel}")
            recipient = Recipient(to)
        # Opt-outs belong to the address (as with carrier STOP handling), not to one record.
        flag = "opt_out_sms" if channel == "sms" else "opt_out_email"
        if check_opt_out and any(getattr(member, flag) for member in self._world.members_at(recipient.address)):
            raise Rejected("recipient_opted_out", f"The recipient has opted out of {channel} messages")
        return recipient

    def dispatch(
        self,
        recipient: Recipient,
        channel: Channel,
        body: str,
        subject: str | None,
        *,
        campaign_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> SentMessage:
        """Record and "send" an already validated message; no checks, no awaits."""
        now = self._clock()
        number = next(self._numbers)
        conversation_id = None
        if recipient.member is not None:
            posted = self._inbox.post(recipient.member, "outbound", channel, body, subject=subject, sent_at=now)
            conversation_id = posted.conversation_id
        if recipient.prospect is not None:
            recipient.prospect.last_contacted_at = now
            if recipient.prospect.status == "new":
                recipient.prospect.status = "contacted"
            self._prospects.put(recipient.prospect)
        message = SentMessage(
            id=f"MSG{40_000_000 + number * 37}",
            channel=channel,
            to=recipient.address,
            member_id=recipient.member.id if recipient.member else None,
            prospect_id=recipient.prospect.id if recipient.prospect else None,
            conversation_id=conversation_id,
            subject=subject,
            body=body,
            created_at=now,
            # Deterministic, spread over 0.25-0.74 s, so a poller sees "queued" first.
            settles_at=now + timedelta(seconds=0.25 + (number * 7919 % 50) / 100),
            failure=_delivery_failure(channel, recipient.address),
            campaign_id=campaign_id,
            idempotency_key=idempotency_key,
        )
        self.sent.append(message)
        self._by_id[message.id] = message
        self._stored.put(message)
        return message


def check_content(channel: Channel, body: str, subject: str | None) -> None:
    """Raises Rejected for a body over the channel's limit or a subject on the wrong channel."""
    limit = MAX_BODY_CHARS[channel]
    if len(body) > limit:
        raise Rejected("body_too_long", f"{channel} bodies are limited to {limit} characters, got {len(body)}")
    if channel == "email" and not (subject or "").strip():
        raise Rejected("subject_required", "Emails need a subject")
    if channel == "sms" and subject is not None:
        raise Rejected("subject_not_allowed", "SMS messages have no subject")


def _delivery_failure(channel: Channel, address: str) -> str | None:
    if channel == "sms" and is_landline(address):
        return "undeliverable: the number is a landline and cannot receive SMS"
    if channel == "email" and bounces(address):
        return f"bounced: no mailbox at {address.rpartition('@')[2]}"
    return None
