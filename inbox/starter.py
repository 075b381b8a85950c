"""Starting triage for stored member messages: exactly one triage workflow per
ClubOS message (`triage-<id>`), whether the message came by push or by poll."""

from __future__ import annotations

from sqlalchemy import select
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts import ids, names
from contracts.inbox import TriageInput
from core.settings import Settings
from db import inbox_store
from db.engine import Database
from db.models import InboxMessage


async def start_pending_triage(client: Client, db: Database, settings: Settings, only: list[int] | None = None) -> int:
    """Starts triage for every stored member message that has none yet (or just for `only`, which a push
    uses so that its answer costs one start however many messages wait: the sync sweeps up the rest);
    returns how many started."""
    async with db.session() as session:
        pending = await inbox_store.untriaged(session, only=only)
        rows = {m.id: m for m in await session.scalars(select(InboxMessage).where(InboxMessage.id.in_(pending)))}
    started = 0
    for message_id in pending:
        message = rows[message_id]
        try:
            await client.start_workflow(
                names.MESSAGE_TRIAGE,
                TriageInput(message_id=message_id, approval_ttl_s=settings.approval_ttl_s),
                id=ids.triage(str(message.clubos_message_id)),  # incoming messages always carry it
                task_queue=settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                static_summary=f"Triage: {message.from_member_name}: {message.content[:60]}",
            )
            started += 1
        except WorkflowAlreadyStartedError:
            pass  # push and poll raced; the first start wins
        async with db.transaction() as session:
            await inbox_store.mark_triage_started(session, [message_id])
    return started
