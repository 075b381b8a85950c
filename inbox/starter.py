"""Starting triage for stored member messages: exactly one triage workflow per
ClubOS message (`triage-<id>`), whether the message came by push or by poll."""

from __future__ import annotations

import asyncio

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

STARTS_AT_ONCE = 32  # concurrent start requests to Temporal from one sweep


async def start_pending_triage(client: Client, db: Database, settings: Settings) -> int:
    """Starts triage for every stored member message that has none yet (up to 500 a call: the inbox sync
    calls it after every poll, and a push pokes the sync); returns how many started. Starts run side by
    side and are marked in one write; a crash in between means a second start that Temporal rejects as a
    duplicate, never a second triage."""
    async with db.session() as session:
        pending = await inbox_store.untriaged(session)
        rows = {m.id: m for m in await session.scalars(select(InboxMessage).where(InboxMessage.id.in_(pending)))}
    gate = asyncio.Semaphore(STARTS_AT_ONCE)

    async def start(message: InboxMessage) -> bool:
        async with gate:
            try:
                await client.start_workflow(
                    names.MESSAGE_TRIAGE,
                    TriageInput(message_id=message.id, approval_ttl_s=settings.club.approval_ttl_s),
                    id=ids.triage(str(message.clubos_message_id)),  # incoming messages always carry it
                    task_queue=settings.temporal.task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    # No message text or contact details: the Temporal UI shows summaries to operators.
                    static_summary=f"Triage of ClubOS message {message.clubos_message_id}",
                )
                return True
            except WorkflowAlreadyStartedError:
                return False  # push and poll raced; the first start wins

    results = await asyncio.gather(*(start(rows[i]) for i in pending), return_exceptions=True)
    handled = [i for i, r in zip(pending, results, strict=True) if not isinstance(r, BaseException)]
    async with db.transaction() as session:
        await inbox_store.mark_triage_started(session, handled)
    for r in results:
        if isinstance(r, BaseException):
            raise r  # the rest stay unmarked for the next sweep
    return sum(r is True for r in results)
