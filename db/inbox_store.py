"""The inbox: conversations, AI decisions, ratings (synced ClubOS messages are stored by inbox_sync_store)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import InboxAiDecision, InboxConversation, InboxMessage
from db.models.base import utcnow

FLAG_TAG = "flag:"  # conversation tags from the risk screen: "flag:safety"


async def untriaged(session: AsyncSession, limit: int = 500) -> list[int]:
    query = select(InboxMessage.id).where(InboxMessage.direction == "incoming", InboxMessage.triage_started.is_(False))
    return list(await session.scalars(query.order_by(InboxMessage.id).limit(limit)))


async def mark_triage_started(session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(update(InboxMessage).where(InboxMessage.id.in_(ids)).values(triage_started=True))


async def add_outgoing(
    session: AsyncSession, *, conversation_id: str, body: str, channel: str, sent_by: str, outbox_key: str
) -> int:
    """Our reply, stored at send time so staff see it at once (sync links it later)."""
    existing = await session.scalar(select(InboxMessage.id).where(InboxMessage.outbox_key == outbox_key))
    if existing is not None:
        return existing
    message = InboxMessage(
        conversation_id=conversation_id,
        direction="outgoing",
        channel=channel,
        content=body,
        sent_by=sent_by,
        outbox_key=outbox_key,
        sent_at=utcnow(),
        status="replied",
        ai_responded=sent_by == "ai",
    )
    session.add(message)
    await session.flush()
    conv = await session.get(InboxConversation, conversation_id)
    if conv is not None:
        conv.last_message_at, conv.last_message_preview = message.sent_at, body[:300]
        conv.requires_response = False
    await session.execute(
        update(InboxMessage)
        .where(
            InboxMessage.conversation_id == conversation_id,
            InboxMessage.direction == "incoming",
            InboxMessage.status.in_(("unread", "read")),
        )
        .values(status="replied", requires_response=False)
    )
    live.publish(session, "inbox", conversation_id, {"message_id": message.id, "direction": "outgoing"})
    return message.id


async def record_decision(
    session: AsyncSession, message_id: int, values: dict[str, Any], requires_response: bool
) -> None:
    session.add(InboxAiDecision(message_id=message_id, **values))
    message = await session.get(InboxMessage, message_id)
    if message is None:
        return
    message.ai_processed, message.ai_confidence_score = True, values["confidence"]
    message.ai_action_taken = {k: values.get(k) for k in ("category", "decision", "reason", "approval_id")}
    message.requires_response = requires_response
    conv = await session.get(InboxConversation, message.conversation_id)
    if conv is not None:
        conv.requires_response = requires_response or conv.requires_response
        new = [] if values["category"] in ("other", "confirmation", "praise") else [values["category"]]
        new += [f"{FLAG_TAG}{f['flag']}" for f in values.get("flags") or []]  # filterable, shown apart
        added = [t for t in new if t not in (conv.tags or [])]
        if added:
            conv.tags = [*(conv.tags or []), *added]
    live.publish(session, "inbox", message.conversation_id, {"message_id": message_id, "decision": values["decision"]})


async def conversations(
    session: AsyncSession, *, view: str = "all", tag: str | None = None, search: str = "", limit: int = 100
) -> list[InboxConversation]:
    q = select(InboxConversation).order_by(InboxConversation.last_message_at.desc()).limit(limit)
    if view == "unread":
        q = q.where(InboxConversation.unread_count > 0)
    elif view == "requires_response":
        q = q.where(InboxConversation.requires_response.is_(True))
    elif view == "escalated":
        q = q.where(InboxConversation.id.in_(_escalated().with_only_columns(InboxMessage.conversation_id)))
    elif view == "ai":
        q = q.where(InboxConversation.ai_handling.is_(True))
    elif view == "staff":
        q = q.where(InboxConversation.ai_handling.is_(False))
    if search:
        like = f"%{search.lower()}%"
        q = q.where(
            or_(
                func.lower(InboxConversation.member_name).like(like),
                func.lower(InboxConversation.last_message_preview).like(like),
            )
        )
    rows = list(await session.scalars(q))
    return [c for c in rows if not tag or tag in (c.tags or [])]


def _escalated() -> Select[InboxAiDecision, InboxMessage]:
    """Escalated member messages nobody has answered yet."""
    return (
        select(InboxAiDecision, InboxMessage)
        .join(InboxMessage, InboxMessage.id == InboxAiDecision.message_id)
        .where(InboxAiDecision.decision == "escalate", InboxMessage.requires_response.is_(True))
    )


async def open_escalations(session: AsyncSession, limit: int = 50) -> list[tuple[InboxAiDecision, InboxMessage]]:
    """What the AI handed to a person and nobody has answered: urgent flags first, then flagged, newest first."""
    rows = [(d, m) for d, m in await session.execute(_escalated().order_by(InboxMessage.sent_at.desc()).limit(limit))]
    return sorted(rows, key=lambda row: (not any(f.get("urgent") for f in row[0].flags), not row[0].flags))


async def thread(session: AsyncSession, conversation_id: str) -> list[InboxMessage]:
    rows = await session.scalars(
        select(InboxMessage)
        .where(InboxMessage.conversation_id == conversation_id)
        .order_by(InboxMessage.sent_at, InboxMessage.id)
    )
    return list(rows)


async def decisions_for(session: AsyncSession, message_ids: list[int]) -> dict[int, InboxAiDecision]:
    rows = await session.scalars(
        select(InboxAiDecision).where(InboxAiDecision.message_id.in_(message_ids)).order_by(InboxAiDecision.id)
    )
    return {d.message_id: d for d in rows}


async def mark_read(session: AsyncSession, conversation_id: str) -> None:
    await session.execute(
        update(InboxMessage)
        .where(InboxMessage.conversation_id == conversation_id, InboxMessage.status == "unread")
        .values(status="read", read_at=utcnow())
    )
    conv = await session.get(InboxConversation, conversation_id)
    if conv is not None and conv.unread_count:
        conv.unread_count = 0
        live.publish(session, "inbox", conversation_id, {"read": True})


async def set_ai_handling(session: AsyncSession, conversation_id: str, handling: bool) -> bool:
    conv = await session.get(InboxConversation, conversation_id)
    if conv is None:
        return False
    conv.ai_handling = handling
    live.publish(session, "inbox", conversation_id, {"ai_handling": handling})
    return True


async def rate(session: AsyncSession, message_id: int, rating: int, by: str) -> bool:
    message = await session.get(InboxMessage, message_id)
    if message is None or message.direction != "outgoing" or message.sent_by != "ai":
        return False
    message.rating, message.rated_by = rating, by
    live.publish(session, "inbox", message.conversation_id, {"rated": message_id})
    return True


async def rating_average(session: AsyncSession) -> tuple[float | None, int]:
    avg, count = (
        await session.execute(
            select(func.avg(InboxMessage.rating), func.count(InboxMessage.rating)).where(
                InboxMessage.rating.is_not(None)
            )
        )
    ).one()
    return (float(avg) if avg is not None else None), int(count)


async def metrics(session: AsyncSession) -> dict[str, Any]:
    decisions = dict(
        (await session.execute(select(InboxAiDecision.decision, func.count()).group_by(InboxAiDecision.decision))).all()
    )
    average, rated = await rating_average(session)
    unread = await session.scalar(select(func.sum(InboxConversation.unread_count)))
    waiting = await session.scalar(
        select(func.count()).select_from(InboxConversation).where(InboxConversation.requires_response.is_(True))
    )
    return {
        "decisions": {k: int(v) for k, v in decisions.items()},
        "rating_average": average,
        "rated": rated,
        "unread": int(unread or 0),
        "requires_response": int(waiting or 0),
    }
