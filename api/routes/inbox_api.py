"""JSON API of the inbox: conversations, threads, staff replies, take over and
hand back, ratings of AI replies, the assistant's mode and the sync interval."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api import inbox_service
from api.auth import Manager, SignedIn, Viewer
from api.deps import DbDep, DbId, SettingsDep, TemporalDep, TemporalGetterDep
from api.inbox_schemas import (
    AiHandlingOut,
    ConversationOut,
    ConversationSummaryOut,
    InboxMetricsOut,
    ModeOut,
    PollIntervalOut,
    RatingOut,
    StatusOut,
)
from api.inbox_service import IntervalBody, ModeBody, RatingBody  # request bodies, shared with the pages
from contracts import names
from db import control, inbox_store

router = APIRouter(prefix="/api/inbox", tags=["inbox"])


class ReplyBody(BaseModel):
    body: str = Field(min_length=1, max_length=1600)


@router.get("/conversations", response_model=list[ConversationSummaryOut])
async def conversations(
    _user: Viewer,
    db: DbDep,
    view: str = Query("all", pattern="^(all|unread|requires_response|escalated|ai|staff)$"),
    tag: str | None = Query(None, max_length=40),
    q: str = Query("", max_length=100),
) -> list[dict[str, Any]]:
    async with db.session() as session:
        rows = await inbox_store.conversations(session, view=view, tag=tag, search=q)
    return [
        {
            "id": c.id,
            "member_id": c.member_id,
            "member_name": c.member_name,
            "last_message_at": c.last_message_at.isoformat(),
            "preview": c.last_message_preview,
            "unread_count": c.unread_count,
            "requires_response": c.requires_response,
            "ai_handling": c.ai_handling,
            "tags": c.tags,
            "status": c.conversation_status,
        }
        for c in rows
    ]


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
async def conversation(conversation_id: str, _user: Viewer, db: DbDep) -> dict[str, Any]:
    return await inbox_service.conversation_json(db, conversation_id)


@router.post("/conversations/{conversation_id}/read", response_model=StatusOut)
async def read(conversation_id: str, _user: Manager, db: DbDep) -> dict[str, str]:
    await inbox_service.mark_read(db, conversation_id)
    return {"status": "read"}


@router.post("/conversations/{conversation_id}/reply", response_model=StatusOut)
async def reply(
    conversation_id: str,
    body: ReplyBody,
    user: Manager,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalGetterDep,
) -> dict[str, str]:
    result = await inbox_service.staff_reply(db, temporal, settings, conversation_id, body.body, user)
    if result.state != "sent":
        raise HTTPException(409, f"not sent: {result.detail}")
    return {"status": result.state}


@router.post("/conversations/{conversation_id}/{action}", response_model=AiHandlingOut)
async def takeover(
    conversation_id: str, action: Literal["takeover", "handback"], _user: Manager, db: DbDep
) -> dict[str, Any]:
    await inbox_service.set_ai_handling(db, conversation_id, action == "handback")
    return {"ai_handling": action == "handback"}


@router.post("/messages/{message_id}/rating", response_model=RatingOut)
async def rate(message_id: DbId, body: RatingBody, user: Manager, db: DbDep) -> dict[str, Any]:
    return await inbox_service.rate(db, message_id, body.rating, user.email)


@router.get("/metrics", response_model=InboxMetricsOut)
async def metrics(_user: Viewer, db: DbDep) -> dict[str, Any]:
    async with db.session() as session:
        return {**await inbox_store.metrics(session), "mode": await control.inbox_mode(session)}


@router.post("/mode", response_model=ModeOut)
async def set_mode(body: ModeBody, user: Manager, db: DbDep) -> dict[str, str]:
    await inbox_service.set_mode(db, body.mode, user.email)
    return {"mode": body.mode}


@router.post("/sync-interval", response_model=PollIntervalOut)
async def sync_interval(body: IntervalBody, _user: Manager, temporal: TemporalGetterDep) -> dict[str, float]:
    await inbox_service.signal_sync(await temporal(), names.INBOX_SYNC_SET_POLL_INTERVAL, body.seconds)
    return {"poll_interval_s": body.seconds}


@router.post("/sync-now", response_model=StatusOut)
async def sync_now(_user: SignedIn, client: TemporalDep) -> dict[str, str]:
    await inbox_service.signal_sync(client, names.INBOX_SYNC_POKE)
    return {"status": "syncing"}
