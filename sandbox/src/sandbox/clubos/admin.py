"""Header-protected admin for ClubOS: members writing in, push control, sent log, exactly-once counters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from sandbox.clubos.api import Club
from sandbox.clubos.schemas import InboundRequest, PushSettings, ResetRequest, TimerSettings
from sandbox.guards import require_admin

router = APIRouter(prefix="/_sandbox/clubos", dependencies=[Depends(require_admin)], tags=["sandbox admin"])


@router.post("/inbound", status_code=201)
async def inbound(body: InboundRequest, club: Club) -> dict[str, Any]:
    """A member writes in. Returns the inbox message and what push did with it (with `wait`: the
    first delivery attempt)."""
    member = club.world.member(body.member_id)
    if member is None:
        raise HTTPException(404, f"unknown member {body.member_id!r}")
    message, push = await club.receive(member, body.body, body.channel, body.subject, wait=body.wait)
    return {"message": message.as_dict(), "push": push}


@router.get("/push")
async def push_status(club: Club, limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> dict[str, Any]:
    """Settings, the latest push decisions (queued/dropped/disabled) and delivery attempts, newest first."""
    dispatcher = club.push.dispatcher
    return {
        **club.push.settings(),
        "pushes": [record.as_dict() for record in list(club.push.log)[-limit:][::-1]],
        "deliveries": dispatcher.summary(),
        "attempts": [attempt.as_dict() for attempt in dispatcher.recent_attempts(limit)],
    }


@router.put("/push")
async def configure_push(body: PushSettings, club: Club) -> dict[str, Any]:
    """Merge the given settings; e.g. {"drop_next": 2} makes push miss the next two messages."""
    push = club.push
    push.configure(enabled=body.enabled, drop_rate=body.drop_rate, drop_next=body.drop_next)
    if body.url is not None:
        push.dispatcher.url = body.url
    if body.backoff_scale is not None:
        push.dispatcher.backoff_scale = body.backoff_scale
    return push.settings()


@router.get("/sent")
async def sent(club: Club) -> dict[str, Any]:
    """Every message sent through the API (single and campaign), oldest first, with its Idempotency-Key."""
    now = club.now()
    messages = [{**message.as_dict(now), "idempotency_key": message.idempotency_key} for message in club.messenger.sent]
    return {"total": len(messages), "messages": messages}


@router.get("/counts")
async def counts(club: Club) -> dict[str, Any]:
    """Per scope and Idempotency-Key: {"requests": n, "effects": m}; exactly-once means effects == 1."""
    return club.counts()


@router.put("/timer")
async def set_timer(body: TimerSettings, club: Club) -> dict[str, Any]:
    """A random member writes in every `interval_s` seconds (0 stops it)."""
    await club.timer.set_interval(body.interval_s)
    return {"interval_s": club.timer.interval_s, "running": club.timer.running}


@router.post("/reset")
async def reset(club: Club, body: ResetRequest | None = None) -> dict[str, Any]:
    """Regenerate the club (optionally from another seed) and clear messages, logs and keys."""
    club.reset(body.seed if body else None)
    return {"seed": club.seed, "members": len(club.world.members), "prospects": len(club.world.prospects)}
