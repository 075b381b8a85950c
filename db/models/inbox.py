from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class InboxConversation(Base):
    """A member conversation (seed 004's `conversations`), keyed by ClubOS's id."""

    __tablename__ = "inbox_conversations"
    __table_args__ = (Index("ix_inbox_conversations_last", "last_message_at"),)

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(40), index=True)
    member_name: Mapped[str] = mapped_column(String(200))
    last_message_at: Mapped[datetime]
    last_message_preview: Mapped[str] = mapped_column(String(300), default="")
    unread_count: Mapped[int] = mapped_column(default=0)
    requires_response: Mapped[bool] = mapped_column(default=False)
    ai_handling: Mapped[bool] = mapped_column(default=True)  # False: staff took over
    conversation_status: Mapped[str] = mapped_column(String(20), default="active")  # active/resolved/archived
    tags: Mapped[list[Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InboxMessage(Base):
    """One message (seed 004's `messages`); ClubOS's message id is unique, so a
    message synced twice (push and poll, retries) is stored once."""

    __tablename__ = "inbox_messages"
    __table_args__ = (
        Index("ix_inbox_messages_conversation_sent", "conversation_id", "sent_at"),
        Index("ix_inbox_messages_status_requires", "status", "requires_response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("inbox_conversations.id"))
    clubos_message_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    clubos_cursor: Mapped[str | None] = mapped_column(String(60))
    direction: Mapped[str] = mapped_column(String(10))  # incoming / outgoing
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str | None] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    from_member_id: Mapped[str | None] = mapped_column(String(40))
    from_member_name: Mapped[str | None] = mapped_column(String(200))
    sent_by: Mapped[str | None] = mapped_column(String(200))  # staff email or "ai" for our replies
    outbox_key: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="unread")  # unread / read / replied / archived
    requires_response: Mapped[bool] = mapped_column(default=False)
    ai_processed: Mapped[bool] = mapped_column(default=False)
    ai_responded: Mapped[bool] = mapped_column(default=False)
    ai_response_sent_at: Mapped[datetime | None]
    ai_confidence_score: Mapped[float | None]
    ai_action_taken: Mapped[dict[str, Any] | None]
    triage_started: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None]  # staff rating (1-5) of an AI reply
    rated_by: Mapped[str | None] = mapped_column(String(200))


class InboxAiDecision(Base):
    """Every AI decision on a message, with its reason (and what produced it)."""

    __tablename__ = "inbox_ai_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbox_messages.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    sub_intent: Mapped[str | None] = mapped_column(String(60))
    confidence: Mapped[float]
    decision: Mapped[str] = mapped_column(String(30))  # auto_reply / suggest / approval / escalate / opt_out / none
    reason: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(120))
    draft: Mapped[str | None] = mapped_column(Text)
    approval_id: Mapped[str | None] = mapped_column(String(60))
    # The risk screen's flags: [{"flag": "safety", "evidence": "almost drowned", "urgent": true}]
    flags: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
