"""Helpers for the inbox tests: members writing in, waiting for triage."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from clients.clubos import ClubOSClient
from db.models import InboxAiDecision, InboxMessage
from inbox.sync_starter import ensure_inbox_sync
from tests.stack import LocalStack, wait_for

_used: set[str] = set()


async def start_sync(stack: LocalStack, interval_s: float = 1.0) -> None:
    await ensure_inbox_sync(stack.client, stack.settings.updated(clubos={"inbox_poll_interval_s": interval_s}))


async def a_member(stack: LocalStack) -> Any:
    """A green member with SMS allowed, not used by another inbox test."""
    async with ClubOSClient.from_settings(stack.settings) as clubos:
        members = await clubos.list_members(status=["green"])
    member = next(
        m
        for m in members
        if not m.opt_out_sms and m.id not in _used and not m.phone.endswith(tuple(f"00{i:02d}" for i in range(100)))
    )
    _used.add(member.id)
    return member


async def write_in(stack: LocalStack, member_id: str, body: str) -> str:
    """The member sends a message; returns ClubOS's message id."""
    result = await stack.sandbox_admin("POST", "/_sandbox/clubos/inbound", json={"member_id": member_id, "body": body})
    return str(result["message"]["id"])


async def stored(stack: LocalStack, clubos_id: str, timeout: float = 20) -> InboxMessage:
    async def probe() -> InboxMessage | None:
        async with stack.db.session() as session:
            return await session.scalar(select(InboxMessage).where(InboxMessage.clubos_message_id == clubos_id))

    return await wait_for(probe, timeout, f"message {clubos_id} stored")


async def decision(stack: LocalStack, clubos_id: str, final: bool = True, timeout: float = 30) -> InboxAiDecision:
    message = await stored(stack, clubos_id)

    async def probe() -> InboxAiDecision | None:
        async with stack.db.session() as session:
            rows = list(
                await session.scalars(
                    select(InboxAiDecision).where(InboxAiDecision.message_id == message.id).order_by(InboxAiDecision.id)
                )
            )
        if not rows or (final and rows[-1].decision == "approval" and not rows[-1].reason.count(";")):
            return None
        return rows[-1]

    return await wait_for(probe, timeout, f"triage of {clubos_id}")


async def copies(stack: LocalStack, clubos_id: str) -> int:
    async with stack.db.session() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(InboxMessage).where(InboxMessage.clubos_message_id == clubos_id)
            )
            or 0
        )


async def sent_to(stack: LocalStack, member_id: str) -> list[dict[str, Any]]:
    sent = await stack.sandbox_admin("GET", "/_sandbox/clubos/sent")
    rows = sent if isinstance(sent, list) else sent.get("data", sent.get("messages", []))
    return [m for m in rows if m.get("member_id") == member_id]
