"""Inbox actions shared by the JSON API and the inbox pages."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy import select

from api.auth import CurrentUser
from api.deps import get_db, get_settings_dep, get_temporal
from contracts import ids, names
from contracts.inbox import ReplyRequest, ReplyResult
from db import inbox_store
from db.models import InboxConversation, InboxMessage

REPLY_WAIT_S = 20


async def latest_member_message(request: Request, conversation_id: str) -> InboxMessage:
    async with get_db(request).session() as session:
        message = await session.scalar(
            select(InboxMessage)
            .where(InboxMessage.conversation_id == conversation_id, InboxMessage.direction == "incoming")
            .order_by(InboxMessage.sent_at.desc(), InboxMessage.id.desc())
            .limit(1)
        )
    if message is None:
        raise HTTPException(404, f"no member message in conversation {conversation_id!r}")
    return message


async def staff_reply(request: Request, conversation_id: str, body: str, user: CurrentUser) -> ReplyResult:
    """Sends through a StaffReplyWorkflow: durable from the moment the API accepts it."""
    message = await latest_member_message(request, conversation_id)
    settings = get_settings_dep(request)
    key = f"staff:{conversation_id}:{uuid.uuid4().hex}"
    result: ReplyResult = await (await get_temporal(request)).execute_workflow(
        names.STAFF_REPLY,
        ReplyRequest(message_id=message.id, body=body, sent_by=user.email, key=key),
        id=ids.staff_reply(),
        task_queue=settings.task_queue,
        result_type=ReplyResult,
    )
    return result


async def conversation_json(request: Request, conversation_id: str) -> dict[str, Any]:
    async with get_db(request).session() as session:
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
                    }
                    if (d := decisions.get(m.id))
                    else None
                ),
            }
            for m in messages
        ],
    }


async def signal_sync(request: Request, signal: str, arg: Any = None) -> None:
    """Sends the inbox sync a signal (a name from contracts.names)."""
    handle = (await get_temporal(request)).get_workflow_handle(ids.INBOX_SYNC)
    await (handle.signal(signal, arg) if arg is not None else handle.signal(signal))
