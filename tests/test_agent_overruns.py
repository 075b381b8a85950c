"""An agent run that overran its time limit is ended by Temporal where it stood, so it never writes its own end:
the command center says so, instead of showing it running for ever."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from temporalio.client import WorkflowExecutionStatus

from contracts import ids
from contracts.campaigns import AgentRunInput, AgentSettings
from db.models import AgentRun
from devstack.seed import MANAGER
from tests.campaign_helpers import fresh_gym, pending_approval
from tests.stack import LocalStack, wait_for
from workflows.agent_run import AgentRunWorkflow


async def test_a_run_that_overran_is_shown_in_the_command_center(stack: LocalStack) -> None:
    await fresh_gym(stack)
    run = await stack.client.start_workflow(
        AgentRunWorkflow.run,
        AgentRunInput(agent_id="past_due_monitor", trigger="manual", settings=AgentSettings(approval_ttl_s=3600)),
        id=f"{ids.agent_run('past_due_monitor')}-overrun-{uuid.uuid4().hex[:8]}",
        task_queue=stack.settings.temporal.task_queue,
        execution_timeout=timedelta(seconds=4),  # it waits for a lock approval nobody gives
    )
    await pending_approval(stack, run.id)

    async def timed_out() -> bool:
        return (await run.describe()).status == WorkflowExecutionStatus.TIMED_OUT

    await wait_for(timed_out, 60, "the run's execution timeout")
    # The page lists runs still shown as going past the configured limit: date this one back beyond it.
    async with stack.db.transaction() as session:
        started = datetime.now(UTC) - stack.settings.agent_run_timeout - timedelta(minutes=1)
        await session.execute(update(AgentRun).where(AgentRun.id == run.id).values(started_at=started))
        row = await session.get(AgentRun, run.id)
        assert row is not None and row.status == "waiting_approval"  # what it last wrote
    async with stack.browser_session(MANAGER[0]) as http:
        page = await http.get("/command/runs")
    assert page.status_code == 200
    assert "did not finish in time" in page.text
    assert f'/runs/{run.id}"' in page.text and "overran its time limit (25 h)" in page.text, page.text
