"""A campaign to every prospect (3,832 in the sandbox) keeps each payload Temporal records under 256 KB: the
targets travel by reference (stored in the database by `resolve_targets`, like read results), not inside the
activity results, the approval request and the send request. The run-wide guard (tests/payload_guard.py) checks
every test; this one makes the large case happen and checks it at once."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.campaigns import AgentConfig, PlanStep, ToolCall, Turn
from tests import payload_guard
from tests.campaign_helpers import decide, fresh_gym, outbox_rows, pending_approval, start_run
from tests.stack import LocalStack, worker_for


class EveryProspect:
    """A model that messages every prospect once, then stops."""

    label = "Claude (scripted test model)"

    async def plan(self, config: AgentConfig, transcript: list[Turn], club: str, today: Any) -> PlanStep:
        if any(t.role == "assistant" for t in transcript):
            return PlanStep(thinking="Done.", final="Done.", planner=self.label)
        audience = {"kind": "prospects", "limit": 5000}
        body = {"name": "Open day", "body": "Hi {first_name}, come to our open day!", "audience": audience}
        return PlanStep(
            thinking="Inviting every prospect.",
            planner=self.label,
            calls=[ToolCall(id="all", name="send_bulk_campaign", input=body)],
        )

    async def aclose(self) -> None:
        return None


@pytest.fixture
async def gym(stack: LocalStack) -> LocalStack:
    await fresh_gym(stack)
    return stack


async def test_a_campaign_to_every_prospect_keeps_payloads_small(gym: LocalStack) -> None:
    settings = gym.settings.updated(temporal={"task_queue": f"{gym.settings.temporal.task_queue}-everyone"})
    async with worker_for(settings, gym.client, gym.db, planner=EveryProspect()):
        handle = await start_run(gym, "prospect_follow_up", task_queue=settings.temporal.task_queue)
        approval = await pending_approval(gym, handle.id)
        assert len(approval.items) > 3000 and all(i["label"] for i in approval.items[:5])
        chosen = [i["id"] for i in approval.items[:3]]
        response = await decide(gym, approval.id, approve=True, item_ids=chosen)
        assert response.status_code == 200, response.text
        assert await handle.result() == "succeeded"
    sent = [r for r in await outbox_rows(gym, handle.id) if r.kind == "campaign"]
    assert sorted(r.idempotency_key.rsplit(":", 1)[-1] for r in sent) == sorted(chosen)
    too_large = [line for line in payload_guard.report() if "AgentRunWorkflow" in line]
    assert too_large == [], too_large
