"""Inbox actions shared by the JSON API and the inbox pages (explicit arguments,
no Request), so both paths enforce the same rules."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from temporalio.client import Client

from api.auth import CurrentUser
from api.deps import NoBool
from contracts import ids, names
from contracts.inbox import ReplyRequest, ReplyResult
from core.settings import Settings
from db import control, inbox_store
from db.engine import Database
from db.models import InboxConversation, InboxMessage

REPLY_WAIT_S = 20


class RatingBody(BaseModel):
    rating: Annotated[int, NoBool] = Field(ge=1, le=5)


class ModeBody(BaseModel):
    mode: Literal["off", "suggest", "auto"]


class IntervalBody(BaseModel):
    seconds: Annotated[float, NoBool] = Field(ge=1, le=3600)


async def latest_member_message(db: Database, conversation_id: str) -> InboxMessage:
    async with db.session() as session:
        message = await session.scalar(
            select(InboxMessage)
            .where(InboxMessage.conversation_id == conversation_id, InboxMessage.direction == "incoming")
            .order_by(InboxMessage.sent_at.desc(), InboxMessage.id.desc())
            .limit(1)
        )
    if message is None:
        raise HTTPException(404, f"no member message in conversation {conversation_id!r}")
    return message


async def staff_reply(
    db: Database,
    temporal: Callable[[], Awaitable[Client]],
    settings: Settings,
    conversation_id: str,
    body: str,
    user: CurrentUser,
) -> ReplyResult:
    """Sends through a StaffReplyWorkflow: durable from the moment the API accepts it.
    The client is asked for only once the conversation is known (a 404 needs no Temporal)."""
    message = await latest_member_message(db, conversation_id)
    key = f"staff:{conversation_id}:{uuid.uuid4().hex}"
    result: ReplyResult = await (await temporal()).execute_workflow(
        names.STAFF_REPLY,
        ReplyRequest(message_id=message.id, body=body, sent_by=user.email, key=key),
        id=ids.staff_reply(),
        task_queue=settings.temporal.task_queue,
        result_type=ReplyResult,
    )
    return result


async def conversation_json(db: Database, conversation_id: str) -> dict[str, Any]:
    async with db.session() as session:
        conv = await session.get(InboxConversation, conversation_id)
        if conv is None:
            raise HTTPException(404, f"no conversation {conversation_id!r}")
        messages = await inbox_store.thread(session, conversation_id)
        decisions = await inbox_store.decisions_for(session, [m.id for m in messages])
    return {
        "id": conv.id,
        "member_id": conv.member_id,
        "member_name": conv.member_name,
        "tags": conv.tags,
        "unread_count": conv.unread_count,
        "requires_response": conv.requires_response,
        "ai_handling": conv.ai_handling,
        "messages": [
            {
                "id": m.id,
                "direction": m.direction,
                "channel": m.channel,
                "body": m.content,
                "sent_at": m.sent_at.isoformat(),
                "status": m.status,
                "sent_by": m.sent_by,
                "rating": m.rating,
                "requires_response": m.requires_response,
                "ai": (
                    {
                        "category": d.category,
                        "confidence": d.confidence,
                        "decision": d.decision,
                        "reason": d.reason,
                        "source": d.source,
                        "draft": d.draft,
                        "approval_id": d.approval_id,
                        "mode": d.mode,
                        "flags": d.flags,
                    }
                    if (d := decisions.get(m.id))
                    else None
                ),
            }
            for m in messages
        ],
    }


async def signal_sync(client: Client, signal: str, arg: Any = None) -> None:
    """Sends the inbox sync a signal (a name from contracts.names)."""
    handle = client.get_workflow_handle(ids.INBOX_SYNC)
    await (handle.signal(signal, arg) if arg is not None else handle.signal(signal))


async def mark_read(db: Database, conversation_id: str) -> None:
    async with db.transaction() as session:
        await inbox_store.mark_read(session, conversation_id)


async def set_ai_handling(db: Database, conversation_id: str, ai_handling: bool) -> None:
    """Take over (the AI stops answering here) or hand back."""
    async with db.transaction() as session:
        if not await inbox_store.set_ai_handling(session, conversation_id, ai_handling):
            raise HTTPException(404, f"no conversation {conversation_id!r}")


async def rate(db: Database, message_id: int, rating: int, by: str) -> dict[str, Any]:
    async with db.transaction() as session:
        if not await inbox_store.rate(session, message_id, rating, by):
            raise HTTPException(404, "only replies sent by the AI can be rated")
    async with db.session() as session:
        average, count = await inbox_store.rating_average(session)
    return {"rating": rating, "average": average, "rated": count}


async def set_mode(db: Database, mode: str, by: str) -> None:
    async with db.transaction() as session:
        await control.set_inbox_mode(session, mode, by)
