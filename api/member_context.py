"""The member beside an inbox conversation: who they are in ClubOS now (status, balance, days past due, door),
their opt-outs per channel, open approvals about them and the last agent actions that touched them, each with
a link to its page. Read once per request: one ClubOS call, three queries; nothing invented when ClubOS is down."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clients.clubos import ClubOSClient
from clients.clubos_models import Member
from clients.errors import ClientError
from core.settings import Settings
from db.models import Approval, InboxConversation, InboxMessage, OutboxEntry, Suppression
from db.models.base import utcnow

TRIAGE_PREFIX = "triage-"
ACTION_LABELS = {
    "door_lock": "Door access locked",
    "door_unlock": "Door access unlocked",
    "inbox_reply": "Inbox reply",
    "payment_reminder": "Payment reminder",
    "payment_link": "Payment link",
    "campaign": "Campaign message",
}


@dataclass(frozen=True)
class Action:
    label: str
    state: str
    at: datetime
    link: str | None


@dataclass
class MemberContext:
    member_id: str
    member: Member | None = None
    clubos_error: str | None = None
    opt_outs: dict[str, Suppression] = field(default_factory=dict)  # channel -> entry
    approvals: list[Approval] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


async def fetch_member(settings: Settings, member_id: str) -> tuple[Member | None, str | None]:
    try:
        async with ClubOSClient.from_settings(settings) as clubos:
            return await clubos.get_member(member_id), None
    except ClientError as exc:
        return None, f"ClubOS did not answer ({exc}); shown when it is back."


def _link(workflow_id: str | None, conversation_id: str) -> str | None:
    """The page of whatever did it: an agent run's thread, the conversation for an inbox reply."""
    if not workflow_id:
        return None
    if workflow_id.startswith(TRIAGE_PREFIX):
        return f"/inbox?c={quote(conversation_id)}"
    if workflow_id.startswith("agent-run-"):
        return f"/runs/{quote(workflow_id, safe='')}"
    return None


async def approvals_about(session: AsyncSession, member_id: str, conversation_id: str) -> list[Approval]:
    """Pending approvals listing the member as an item, or waiting on a draft reply in this conversation."""
    clubos_ids = await session.scalars(
        select(InboxMessage.clubos_message_id).where(InboxMessage.conversation_id == conversation_id)
    )
    triage = {TRIAGE_PREFIX + c for c in clubos_ids if c}
    pending = await session.scalars(
        select(Approval)
        .where(Approval.status == "pending", Approval.expires_at > utcnow())
        .order_by(Approval.requested_at.desc())
        .limit(200)
    )
    return [a for a in pending if a.workflow_id in triage or any(i.get("id") == member_id for i in a.items or [])]


async def recent_actions(session: AsyncSession, member_id: str, conversation_id: str, limit: int = 5) -> list[Action]:
    rows = await session.scalars(
        select(OutboxEntry)
        .where(or_(OutboxEntry.recipient == member_id, OutboxEntry.payload["member_id"].as_string() == member_id))
        .order_by(OutboxEntry.created_at.desc())
        .limit(limit)
    )
    return [
        Action(
            ACTION_LABELS.get(r.kind, r.kind.replace("_", " ").capitalize()),
            r.state,
            r.created_at,
            _link(r.workflow_id, conversation_id),
        )
        for r in rows
    ]


async def load(session: AsyncSession, settings: Settings, member_id: str, conversation_id: str) -> MemberContext:
    ctx = MemberContext(member_id)
    ctx.member, ctx.clubos_error = await fetch_member(settings, member_id)
    entries = await session.scalars(select(Suppression).where(Suppression.member_id == member_id))
    ctx.opt_outs = {s.channel: s for s in entries}
    ctx.approvals = await approvals_about(session, member_id, conversation_id)
    ctx.actions = await recent_actions(session, member_id, conversation_id)
    return ctx


async def panel(session: AsyncSession, settings: Settings, conversation_id: str) -> MemberContext | None:
    conv = await session.get(InboxConversation, conversation_id)
    return await load(session, settings, conv.member_id, conversation_id) if conv else None
