"""The inbox sync: one long-running workflow polls ClubOS's inbox incrementally
(a cursor, never a full refresh) every few seconds and hands every new member
message to its own triage workflow.

Pushed messages are taken at once by the webhook; this loop still catches what
a push missed. The cursor only moves after a batch is stored, and storage is
idempotent by ClubOS message id, so a killed worker, a restarted server, 429s or
5xx lose nothing and store nothing twice. The run continues as new long before
its history grows large, carrying the cursor.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.inbox import InboxActivities
    from contracts import names
    from contracts.inbox import InboxSyncInput, SyncStatus
    from workflows import retry_policies


@workflow.defn(name=names.INBOX_SYNC)
class InboxSyncWorkflow:
    def __init__(self) -> None:
        self._poked = False
        self._interval: float | None = None
        self._status = SyncStatus(cursor=None, poll_interval_s=10.0, polls=0, stored=0)

    @workflow.run
    async def run(self, inp: InboxSyncInput) -> None:
        s = self._status = SyncStatus(
            cursor=inp.cursor, poll_interval_s=self._interval or inp.poll_interval_s, polls=inp.polls, stored=inp.stored
        )
        for _ in range(inp.polls_per_run):
            result = await workflow.execute_activity_method(
                InboxActivities.sync_inbox,
                s.cursor,
                start_to_close_timeout=timedelta(minutes=2),
                heartbeat_timeout=timedelta(seconds=30),
                retry_policy=retry_policies.INTERNAL,
            )
            s.cursor, s.polls, s.stored = result.cursor, s.polls + 1, s.stored + result.stored
            with contextlib.suppress(TimeoutError):  # the poll interval passed
                await workflow.wait_condition(lambda: self._poked, timeout=timedelta(seconds=s.poll_interval_s))
            self._poked = False
            if workflow.info().is_continue_as_new_suggested():
                break
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            InboxSyncInput(
                cursor=s.cursor,
                poll_interval_s=s.poll_interval_s,
                polls=s.polls,
                stored=s.stored,
                polls_per_run=inp.polls_per_run,
            )
        )

    @workflow.signal(name=names.INBOX_SYNC_POKE)
    def poke(self) -> None:
        """Sync now (e.g. a push arrived, or staff opened the inbox)."""
        self._poked = True

    @workflow.signal(name=names.INBOX_SYNC_SET_POLL_INTERVAL)
    def set_poll_interval(self, seconds: float) -> None:
        self._interval = min(max(seconds, 1.0), 3600.0)
        self._status.poll_interval_s = self._interval
        self._poked = True

    @workflow.query(name=names.INBOX_SYNC_STATUS)
    def status(self) -> SyncStatus:
        return self._status
