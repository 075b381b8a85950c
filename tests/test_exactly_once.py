"""A worker process killed in the middle of a send batch: after a new worker
picks the run up, every message has gone out exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from tests.campaign_helpers import fresh_gym, outbox_rows, start_run
from tests.stack import LocalStack, settings_env, wait_for, worker_for


async def test_killed_worker_sends_each_message_exactly_once(stack: LocalStack) -> None:
    await fresh_gym(stack)
    settings = stack.settings.updated(temporal={"task_queue": f"{stack.settings.temporal.task_queue}-kill"})
    env = {**os.environ, **settings_env(settings), "ANTHROPIC_API_KEY": "", "RENUBU_LOG_LEVEL": "WARNING"}
    await stack.sandbox_admin("PUT", "/_sandbox/faults", json={"clubos": {"latency_ms": 80}})
    proc = await asyncio.create_subprocess_exec(sys.executable, "worker.py", env=env)
    try:
        handle = await start_run(stack, "prospect_follow_up", task_queue=settings.temporal.task_queue)

        async def sending() -> int | None:
            n = len([r for r in await outbox_rows(stack, handle.id) if r.state == "sent"])
            return n if n >= 10 else None

        await wait_for(sending, 60, "the batch to be under way")
        proc.send_signal(signal.SIGKILL)  # no goodbye: the activity is cut off mid-batch
        await proc.wait()
        cut_at = len([r for r in await outbox_rows(stack, handle.id) if r.state == "sent"])
        assert cut_at < 60
        async with worker_for(settings, stack.client, stack.db):
            assert await handle.result() == "succeeded"
    finally:
        if proc.returncode is None:
            proc.kill()
        await stack.sandbox_admin("DELETE", "/_sandbox/faults")
    rows = [r for r in await outbox_rows(stack, handle.id) if r.kind == "campaign"]
    assert len(rows) == 60 and len({r.recipient for r in rows}) == 60
    counts = (await stack.sandbox_admin("GET", "/_sandbox/clubos/counts"))["messages"]
    for row in rows:
        effects = counts.get(row.idempotency_key, {}).get("effects", 0)
        assert effects == (1 if row.state == "sent" else 0), (row.idempotency_key, row.state, effects)
    sent = [r for r in rows if r.state == "sent"]
    assert len(sent) >= 55  # a few prospects may have unreachable numbers (failed), never duplicates
