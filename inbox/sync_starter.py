"""Keeps exactly one inbox sync workflow running."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from contracts import ids, names
from contracts.inbox import InboxSyncInput
from core.settings import Settings


async def ensure_inbox_sync(client: Client, settings: Settings, *, poke: bool = False) -> None:
    """`poke`: and have it sync now (signal-with-start: one call, whether it was running or not)."""
    await client.start_workflow(
        names.INBOX_SYNC,
        InboxSyncInput(poll_interval_s=settings.clubos.inbox_poll_interval_s),
        id=ids.INBOX_SYNC,
        task_queue=settings.temporal.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        start_signal=names.INBOX_SYNC_POKE if poke else None,
        static_summary=f"ClubOS inbox sync for {settings.club.name}",
    )
