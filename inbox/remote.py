"""A ClubOS inbox message as the store takes it, whether it came by poll or by push."""

from __future__ import annotations

from clients.clubos_models import InboxMessage
from db import inbox_sync_store


def synced(m: InboxMessage) -> inbox_sync_store.Synced:
    return inbox_sync_store.Synced(
        clubos_id=m.id,
        cursor=m.cursor,
        conversation_id=m.conversation_id,
        member_id=m.member_id,
        member_name=m.member_name,
        direction=m.direction,
        channel=m.channel,
        subject=m.subject,
        body=m.body,
        sent_at=m.sent_at,
    )
