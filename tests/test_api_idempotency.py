"""Starts and decisions from the API carry an optional idempotency id (`request_id` in the body or form, or an
`Idempotency-Key` header): a double click or a retried POST starts or decides once."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest
from temporalio.api.enums.v1 import EventType

from devstack.seed import MANAGER
from tests.campaign_helpers import fresh_gym, pending_approval, start_run
from tests.stack import LocalStack, wait_for


@pytest.fixture
async def gym(stack: LocalStack) -> LocalStack:
    await fresh_gym(stack)
    return stack


async def test_a_repeated_run_now_starts_one_run(gym: LocalStack) -> None:
    key = f"req-{uuid.uuid4().hex}"
    async with gym.browser_session(MANAGER[0]) as http:

        async def run_now() -> str:
            response = await http.post(
                "/api/agents/daily_campaigns/run", json={"dry_run": True}, headers={"Idempotency-Key": key}
            )
            assert response.status_code == 202, response.text
            return str(response.json()["run_id"])

        first, second = await asyncio.gather(run_now(), run_now())
        assert first == second and key in first
        handle = gym.client.get_workflow_handle(first)
        run = (await handle.describe()).run_id
        await handle.result()
        assert await run_now() == first  # retried after the run finished: still that run, not a new one
        assert (await handle.describe()).run_id == run
        other = await http.post("/api/agents/daily_campaigns/run", json={"dry_run": True})  # no id: as before
        assert other.status_code == 202 and other.json()["run_id"] != first
        bad = await http.post("/api/agents/daily_campaigns/run", json={"request_id": "a b"})
        assert bad.status_code == 422


async def test_a_retried_decision_decides_once(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)
    body = {"approve": True, "item_ids": [approval.items[0]["id"]], "request_id": f"req-{uuid.uuid4().hex}"}
    async with gym.browser_session(MANAGER[0]) as http:
        url = f"/api/approvals/{approval.id}/decide"
        responses = await asyncio.gather(http.post(url, json=body), http.post(url, json=body))
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
        assert responses[0].json() == responses[1].json()
        assert responses[0].json()["status"] == "partially_approved"
    assert await handle.result() == "succeeded"
    history = await handle.fetch_history()
    accepted = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]
    assert len(accepted) == 1  # the repeat was answered from the first update, never run again
    await wait_for(lambda: _decided(gym, approval.id), 10, "the approval row to be decided")


async def _decided(stack: LocalStack, approval_id: str) -> bool:
    from db import approvals_store

    async with stack.db.session() as session:
        row = await approvals_store.get(session, approval_id)
    return row is not None and row.status != "pending"


async def test_the_approval_card_sends_its_request_id(gym: LocalStack) -> None:
    handle = await start_run(gym, "past_due_monitor")
    approval = await pending_approval(gym, handle.id)
    async with gym.browser_session(MANAGER[0]) as http:
        page = await http.get(f"/approvals/{approval.id}")
        found = re.search(r'name="request_id" value="([0-9a-f]{32})"', page.text)
        assert found, "the card's decide form has no request id"
        form = {"decision": "all", "view": "full", "request_id": found.group(1)}
        url = f"/approvals/{approval.id}/decide"
        first, again = await asyncio.gather(http.post(url, data=form), http.post(url, data=form))
        assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert await handle.result() == "succeeded"
    history = await handle.fetch_history()
    assert sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED for e in history.events) == 1
