"""JSON API of the inbox: conversations, threads, staff replies, take over and
hand back, ratings of AI replies, the assistant's mode and the sync interval."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from api import inbox_service
from api.auth import CurrentUser, current_user, require_role
from api.deps import DbId, NoBool, get_db
from contracts import names
from db import control, inbox_store

router = APIRouter(prefix="/api/inbox", tags=["inbox"])
staff = require_role("manager")
viewer = require_role("manager", "operator")


class ReplyBody(BaseModel):
    body: str = Field(min_length=1, max_length=1600)


class RatingBody(BaseModel):
    rating: Annotated[int, NoBool] = Field(ge=1, le=5)


class ModeBody(BaseModel):
    mode: Literal["off", "suggest", "auto"]


class IntervalBody(BaseModel):
    seconds: Annotated[float, NoBool] = Field(ge=1, le=3600)


@router.get("/conversations")
async def conversations(
    request: Request,
    view: str = Query("all", pattern="^(all|unread|requires_response|escalated|ai|staff)$"),
    tag: str | None = Query(None, max_length=40),
    q: str = Query("", max_length=100),
    _user: CurrentUser = Depends(viewer),
) -> list[dict[str, Any]]:
    async with get_db(request).session() as session:
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


@router.get("/conversations/{conversation_id}")
async def conversation(request: Request, conversation_id: str, _user: CurrentUser = Depends(viewer)) -> dict[str, Any]:
    return await inbox_service.conversation_json(request, conversation_id)


@router.post("/conversations/{conversation_id}/read")
async def read(request: Request, conversation_id: str, _user: CurrentUser = Depends(staff)) -> dict[str, str]:
    async with get_db(request).transaction() as session:
        await inbox_store.mark_read(session, conversation_id)
    return {"status": "read"}


@router.post("/conversations/{conversation_id}/reply")
async def reply(
    request: Request, conversation_id: str, body: ReplyBody, user: CurrentUser = Depends(staff)
) -> dict[str, str]:
    result = await inbox_service.staff_reply(request, conversation_id, body.body, user)
    if result.state != "sent":
        raise HTTPException(409, f"not sent: {result.detail}")
    return {"status": result.state}


@router.post("/conversations/{conversation_id}/{action}")
async def takeover(
    request: Request, conversation_id: str, action: Literal["takeover", "handback"], _user: CurrentUser = Depends(staff)
) -> dict[str, Any]:
    async with get_db(request).transaction() as session:
        if not await inbox_store.set_ai_handling(session, conversation_id, action == "handback"):
            raise HTTPException(404, f"no conversation {conversation_id!r}")
    return {"ai_handling": action == "handback"}


@router.post("/messages/{message_id}/rating")
async def rate(
    request: Request, message_id: DbId, body: RatingBody, user: CurrentUser = Depends(staff)
) -> dict[str, Any]:
    async with get_db(request).transaction() as session:
        if not await inbox_store.rate(session, message_id, body.rating, user.email):
            raise HTTPException(404, "only replies sent by the AI can be rated")
    async with get_db(request).session() as session:
        average, count = await inbox_store.rating_average(session)
    return {"rating": body.rating, "average": average, "rated": count}


@router.get("/metrics")
async def metrics(request: Request, _user: CurrentUser = Depends(viewer)) -> dict[str, Any]:
    async with get_db(request).session() as session:
        return {**await inbox_store.metrics(session), "mode": await control.inbox_mode(session)}


@router.post("/mode")
async def set_mode(request: Request, body: ModeBody, user: CurrentUser = Depends(staff)) -> dict[str, str]:
    async with get_db(request).transaction() as session:
        await control.set_inbox_mode(session, body.mode, user.email)
    return {"mode": body.mode}


@router.post("/sync-interval")
async def sync_interval(request: Request, body: IntervalBody, _user: CurrentUser = Depends(staff)) -> dict[str, float]:
    await inbox_service.signal_sync(request, names.INBOX_SYNC_SET_POLL_INTERVAL, body.seconds)
    return {"poll_interval_s": body.seconds}


@router.post("/sync-now")
async def sync_now(request: Request, _user: CurrentUser = Depends(current_user)) -> dict[str, str]:
    await inbox_service.signal_sync(request, names.INBOX_SYNC_POKE)
    return {"status": "syncing"}
