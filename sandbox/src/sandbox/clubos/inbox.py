"""The club's inbox: every member conversation, and one log of all messages in arrival order.

Each message gets the next sequence number when it is appended, and nothing is ever inserted
before an existing message, so "everything after cursor X" is a stable question: a client that
pages with the last cursor it saw gets each message exactly once, even while new ones arrive.
The cursor is opaque to clients (base64 of a versioned sequence number) so the scheme can change.
Messages are kept in the state file, so cursors stay valid across a restart of the sandbox.
"""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sandbox.clubos.models import Member, iso
from sandbox.persist import MEMORY, StateStore

Direction = Literal["inbound", "outbound"]
InboxChannel = Literal["sms", "email", "app"]
_CURSOR_TAG = "inbox.v1:"
_PREVIEW_CHARS = 80


class InvalidCursorError(ValueError):
    pass


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_TAG}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursorError(cursor) from None
    number = text.removeprefix(_CURSOR_TAG)
    if number == text or not number.isdigit():
        raise InvalidCursorError(cursor)
    return int(number)


@dataclass(frozen=True)
class InboxMessage:
    id: str
    seq: int
    conversation_id: str
    member_id: str
    member_name: str  # as the member was called when the message was written
    direction: Direction
    channel: InboxChannel
    subject: str | None
    body: str
    sent_at: datetime

    @property
    def cursor(self) -> str:
        return encode_cursor(self.seq)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cursor": self.cursor,
            "conversation_id": self.conversation_id,
            "member_id": self.member_id,
            "member_name": self.member_name,
            "direction": self.direction,
            "channel": self.channel,
            "subject": self.subject,
            "body": self.body,
            "sent_at": iso(self.sent_at),
        }


@dataclass
class Conversation:
    """All messages with one member, whatever the channel, oldest first."""

    id: str
    member_id: str
    member_name: str
    messages: list[InboxMessage] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        last = self.messages[-1]
        return {
            "id": self.id,
            "member_id": self.member_id,
            "member_name": self.member_name,
            "message_count": len(self.messages),
            "last_message_at": iso(last.sent_at),
            "last_message_preview": last.body[:_PREVIEW_CHARS],
            "last_direction": last.direction,
            "awaiting_reply": last.direction == "inbound",
        }


class Inbox:
    """Starts with the stored messages, if any (an empty inbox is for the caller to seed)."""

    def __init__(self, clock: Callable[[], datetime], store: StateStore = MEMORY) -> None:
        self._clock = clock
        self._stored = store.table("clubos.inbox", InboxMessage, key=lambda message: message.id)
        self._messages: list[InboxMessage] = []
        self._seqs: list[int] = []
        self._conversations: dict[str, Conversation] = {}
        for message in self._stored.load():
            self._append(message)

    @property
    def messages(self) -> Sequence[InboxMessage]:
        return self._messages

    def post(
        self,
        member: Member,
        direction: Direction,
        channel: InboxChannel,
        body: str,
        *,
        subject: str | None = None,
        sent_at: datetime | None = None,
    ) -> InboxMessage:
        """Append a message to the member's conversation and to the log. No awaits: atomic in the loop."""
        seq = len(self._messages) + 1
        message = InboxMessage(
            id=f"CM{7_300_000 + seq}",
            seq=seq,
            conversation_id=f"CV{member.id.removeprefix('M')}",
            member_id=member.id,
            member_name=member.name,
            direction=direction,
            channel=channel,
            subject=subject,
            body=body,
            sent_at=sent_at or self._clock(),
        )
        self._append(message)
        self._stored.put(message)
        return message

    def _append(self, message: InboxMessage) -> None:
        conversation = self._conversations.get(message.conversation_id)
        if conversation is None:
            conversation = Conversation(message.conversation_id, message.member_id, message.member_name)
            self._conversations[message.conversation_id] = conversation
        conversation.member_name = message.member_name
        self._messages.append(message)
        self._seqs.append(message.seq)
        conversation.messages.append(message)

    def after(self, seq: int, limit: int) -> tuple[list[InboxMessage], bool]:
        """Up to `limit` messages with a sequence number above `seq`, and whether more follow."""
        start = bisect_right(self._seqs, seq)
        return self._messages[start : start + limit], start + limit < len(self._messages)

    def conversation(self, conversation_id: str) -> Conversation | None:
        return self._conversations.get(conversation_id)

    def conversations(self, member_id: str | None = None) -> list[Conversation]:
        """Most recently active first."""
        found = [c for c in self._conversations.values() if member_id in (None, c.member_id)]
        return sorted(found, key=lambda c: c.messages[-1].seq, reverse=True)
