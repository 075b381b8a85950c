"""The bare-Temporal baseline: the same shape of work as the renewal pipeline
(a per-customer workflow with 5 activities that signal-with-starts a second
workflow with 2 activities), with no logic, I/O or database in the activities."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

PIPELINE_ACTIVITIES = 5  # fetch context, analyse, store, assign, signal-with-start the renewal
RENEWAL_ACTIVITIES = 2  # load definition, project


@activity.defn
async def noop(_: str) -> str:
    return "ok"


@activity.defn
async def start_second(workflow_id: str) -> None:
    client = activity.client()
    await client.start_workflow(
        BareSecond.run,
        id=f"{workflow_id}-second",
        task_queue=activity.info().task_queue,
        start_signal="poke",
        start_signal_args=["x"],
    )


@workflow.defn
class BareSecond:
    def __init__(self) -> None:
        self.poked = False

    @workflow.signal
    def poke(self, _: str) -> None:
        self.poked = True

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.poked)
        for _ in range(RENEWAL_ACTIVITIES):
            await workflow.execute_activity(noop, "x", start_to_close_timeout=timedelta(seconds=30))


@workflow.defn
class BareFirst:
    def __init__(self) -> None:
        self.poked = False

    @workflow.signal
    def poke(self, _: str) -> None:
        self.poked = True

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.poked)
        for _ in range(PIPELINE_ACTIVITIES - 1):
            await workflow.execute_activity(noop, "x", start_to_close_timeout=timedelta(seconds=30))
        await workflow.execute_activity(
            start_second, workflow.info().workflow_id, start_to_close_timeout=timedelta(seconds=30)
        )


async def run_baseline(client: Client, count: int, concurrency: int) -> float:
    """Seconds for `count` bare pipelines, started like webhooks start the real one."""
    queue = f"bare-{uuid.uuid4().hex[:8]}"
    prefix = f"bare-{uuid.uuid4().hex[:6]}"
    gate = asyncio.Semaphore(concurrency)
    async with Worker(
        client,
        task_queue=queue,
        workflows=[BareFirst, BareSecond],
        activities=[noop, start_second],
        max_concurrent_activities=200,
    ):
        started = time.perf_counter()

        async def one(i: int) -> None:
            async with gate:
                await client.start_workflow(
                    BareFirst.run,
                    id=f"{prefix}-{i}",
                    task_queue=queue,
                    start_signal="poke",
                    start_signal_args=["x"],
                )

        await asyncio.gather(*(one(i) for i in range(count)))
        for i in range(count):
            await client.get_workflow_handle(f"{prefix}-{i}").result()
            await client.get_workflow_handle(f"{prefix}-{i}-second").result()
        return time.perf_counter() - started
