"""One renewal per customer per renewal period, held by a key in our database (issue 9): on SQLite and
PostgreSQL the period is claimed once and closed once, an upgrade claims the periods of existing renewals,
and on the dev server a late signal after a closed renewal's history is deleted starts no second renewal."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.service import RPCError, RPCStatusCode

from contracts import ids, names
from contracts.actors import Actor
from contracts.renewals import CancelInput
from db import renewal_periods
from db.engine import Database
from db.migrate import upgrade
from db.models import RenewalPeriod
from devstack.seed import MANAGER
from tests.conftest import _psql
from tests.stack import LocalStack, wait_for
from tests.test_renewal_workflow import new_renewal
from workflows.renewal import RenewalWorkflow


async def test_a_period_is_claimed_once_and_closed_once(any_db: Database) -> None:
    customer, day = f"cust-{uuid.uuid4().hex[:8]}", date(2027, 3, 1)
    async with any_db.transaction() as session:
        first = await renewal_periods.claim(session, customer, day, f"renewal-{customer}-a")
    async with any_db.transaction() as session:  # a second start for the period gets the first renewal
        again = await renewal_periods.claim(session, customer, day, f"renewal-{customer}-b")
    assert first.workflow_id == again.workflow_id == f"renewal-{customer}-a" and again.status == "open"

    closed_at = datetime(2027, 3, 2, tzinfo=UTC)
    async with any_db.transaction() as session:
        assert await renewal_periods.close(session, f"renewal-{customer}-a", "cancelled", closed_at)
    async with any_db.transaction() as session:
        assert not await renewal_periods.close(session, f"renewal-{customer}-a", "completed", closed_at)
        after = await renewal_periods.claim(session, customer, day, f"renewal-{customer}-c")
    assert (after.workflow_id, after.status, after.closed_at) == (f"renewal-{customer}-a", "cancelled", closed_at)

    async with any_db.transaction() as session:  # the next period is a new renewal
        next_period = await renewal_periods.claim(session, customer, date(2028, 3, 1), f"renewal-{customer}-d")
    assert next_period.status == "open"
    with pytest.raises(IntegrityError):  # one workflow id never serves two periods
        async with any_db.transaction() as session:
            await renewal_periods.claim(session, customer, date(2029, 3, 1), f"renewal-{customer}-d")


@pytest.fixture(params=["sqlite", "postgresql"])
async def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'periods.db'}"
        return
    name = f"renubu_periods_{uuid.uuid4().hex[:10]}"
    _psql(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def test_the_upgrade_claims_the_periods_of_existing_renewals(fresh_url: str) -> None:
    await upgrade(fresh_url, "0005")
    db = Database(fresh_url)
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            for wf_id, customer, status in [("renewal-a-1", "a", "completed"), ("renewal-b-1", "b", "in_progress")]:
                await session.execute(
                    text(
                        "INSERT INTO workflow_instances (id, customer_id, customer_name, definition_id, stage, status,"
                        " assigned_to, priority_score, priority_factors, risk_score, arr, renewal_date, steps_done,"
                        " steps_total, analysis_source, seq, created_at, completed_at, updated_at) VALUES (:id, :c,"
                        " 'X', 'critical-renewal', 'Critical', :s, 'csm@x', 1, '{}', 10, 1000, :d, 0, 4, 'offline',"
                        " 3, :now, :done, :now)"
                    ),
                    {"id": wf_id, "c": customer, "s": status, "d": date(2027, 1, 1), "now": now,
                     "done": now if status == "completed" else None},
                )  # fmt: skip
        await upgrade(fresh_url)
        async with db.session() as session:
            rows = {r.customer_id: r for r in await session.scalars(select(RenewalPeriod))}
    finally:
        await db.dispose()
    assert (rows["a"].workflow_id, rows["a"].status) == ("renewal-a-1", "completed") and rows["a"].closed_at
    assert (rows["b"].workflow_id, rows["b"].status, rows["b"].closed_at) == ("renewal-b-1", "open", None)


async def test_a_late_signal_after_the_history_is_deleted_starts_no_second_renewal(stack: LocalStack) -> None:
    key, wf_id, _ = await new_renewal(stack, 45, days=12, risk=30)
    renewal = stack.client.get_workflow_handle_for(RenewalWorkflow.run, wf_id)
    manager = Actor(email=MANAGER[0], role="manager")
    await renewal.execute_update(RenewalWorkflow.cancel, CancelInput(actor=manager, reason="customer churned"))
    await renewal.result()
    await stack.client.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(
            namespace=stack.client.namespace, workflow_execution=WorkflowExecution(workflow_id=wf_id)
        )
    )
    await wait_for(lambda: _gone(stack, wf_id), 120, "the renewal's history to be deleted (the dev server takes ~35 s)")

    late = f"evt_late_{uuid.uuid4().hex[:12]}"
    assert (await stack.post_signal(key, risk=95, event_id=late)).status_code == 202
    outcome = await wait_for(lambda: _outcome(stack, key, late), 30, "the late signal handled")
    assert outcome["result"] == "renewal_closed" and outcome["renewal_workflow_id"] == wf_id
    assert await _gone(stack, wf_id)  # nothing was started under the period's id
    row = await stack.projection(wf_id)
    assert row.status == "cancelled"


async def _gone(stack: LocalStack, wf_id: str) -> bool:
    try:
        await stack.client.get_workflow_handle(wf_id).describe()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return True
        raise
    return False


async def _outcome(stack: LocalStack, customer: str, event_id: str) -> dict[str, object] | None:
    recent = await stack.client.get_workflow_handle(ids.intelligence(customer)).query(names.RECENT_SIGNALS)
    return next((o for o in recent if o["event_id"] == event_id), None)
