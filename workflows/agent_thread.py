"""A run's conversation thread and dashboard projection. Workflow code: events
are buffered in the workflow and written by an idempotent activity."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent_runs import AgentRunActivities
    from contracts.campaigns import RunCarry, RunProjection, RunUpdate, ThreadEvent
    from workflows import retry_policies


class Thread:
    def __init__(self, run_id: str, trigger: str, carry: RunCarry) -> None:
        self.run_id, self.trigger, self.carry = run_id, trigger, carry
        self.status = "running"
        self.summary = ""
        self._buffer: list[ThreadEvent] = []

    def add(self, kind: str, title: str, body: str = "", data: dict[str, Any] | None = None) -> None:
        self.carry.seq += 1
        self._buffer.append(
            ThreadEvent(
                seq=self.carry.seq,
                kind=kind,
                title=title,
                body=body,
                data=data or {},
                at=workflow.now(),
            )
        )

    async def publish(self, finished: bool = False) -> None:
        c = self.carry
        projection = RunProjection(
            id=self.run_id,
            agent_id=c.config.id,
            trigger=self.trigger,
            status=self.status,
            planner=c.planner,
            dry_run=c.config.settings.dry_run,
            counters=c.counters,
            summary=self.summary,
            started_at=c.started_at,
            finished_at=workflow.now() if finished else None,
            seq=c.seq,
        )
        events, self._buffer = self._buffer, []
        await workflow.execute_activity_method(
            AgentRunActivities.publish_run,
            RunUpdate(projection=projection, events=events),
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
