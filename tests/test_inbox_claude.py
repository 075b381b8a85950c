"""Defence in depth with Claude (issue 14): the triage workflow with the Claude assistant, through the real
anthropic SDK over an httpx2.MockTransport. The model answers a risky message with a confidently wrong
"question"; the risk screen in code overrides it, the message is escalated with its flag, managers are alerted
for an urgent flag, and nothing is sent. The model may add a flag the screen missed, never remove one."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from sqlalchemy import select
from temporalio.worker import Worker

from activities.approvals import ApprovalActivities
from activities.inbox import InboxActivities
from clients.clubos import ClubOSClient
from contracts import ids
from contracts.inbox import TriageInput
from db import control, inbox_sync_store
from db.models import InboxAiDecision, InboxMessage, Notification
from inbox.claude import ClaudeInbox
from tests.inbox_helpers import a_member, sent_to
from tests.stack import LocalStack
from tests.test_llm_anthropic import MODEL, PROMPTS, _tool_reply
from worker import activities_of
from workflows.triage import MessageTriageWorkflow

CONFIDENT_QUESTION = {
    "category": "question",
    "confidence": 0.97,
    "sub_intent": "hours",
    "intents": [{"category": "question", "topic": "pool"}],
    "flags": [],
}


class FakeClaude:
    """Answers every classification with `classification`; records what the SDK sent."""

    def __init__(self, classification: dict[str, Any]) -> None:
        self.classification = classification
        self.bodies: list[dict[str, Any]] = []
        self.http = httpx2.AsyncClient(transport=httpx2.MockTransport(self.handle))

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.bodies.append(body)
        if body["tools"][0]["name"] == "record_classification":
            return httpx2.Response(200, json=_tool_reply("record_classification", self.classification))
        reply = {"body": "Hi! Our pool is open 6am-9pm.", "answers": ["pool"]}
        return httpx2.Response(200, json=_tool_reply("record_reply", reply))


@pytest.fixture
async def claude_worker(stack: LocalStack) -> AsyncIterator[tuple[Worker, FakeClaude]]:
    fake = FakeClaude(CONFIDENT_QUESTION)
    model = ClaudeInbox("sk-test", MODEL, http_client=fake.http)
    async with ClubOSClient.from_settings(stack.settings) as clubos:
        worker = Worker(
            stack.client,
            task_queue=f"claude-triage-{uuid.uuid4().hex[:8]}",
            workflows=[MessageTriageWorkflow],
            activities=activities_of(
                InboxActivities(stack.db, clubos, stack.client, stack.settings, model),
                ApprovalActivities(stack.db, stack.settings),
            ),
        )
        async with worker:
            yield worker, fake
    await model.aclose()


async def _triage(stack: LocalStack, worker: Worker, text: str) -> tuple[str, InboxAiDecision, Notification | None]:
    """A member's message, stored as the sync stores it (but triaged only here), through the workflow."""
    member = await a_member(stack)
    clubos_id = f"CLAUDE-{uuid.uuid4().hex[:10]}"
    async with stack.db.transaction() as session:
        await inbox_sync_store.store_synced(
            session,
            [
                inbox_sync_store.Synced(
                    clubos_id=clubos_id,
                    cursor=clubos_id,
                    conversation_id=f"CVC{uuid.uuid4().hex[:8]}",
                    member_id=member.id,
                    member_name=member.name,
                    direction="inbound",
                    channel="sms",
                    subject=None,
                    body=text,
                    sent_at=datetime.now(UTC),
                )
            ],
            history=True,  # stored as already triaged: the stack's own worker leaves it alone
        )
        message_id = await session.scalar(select(InboxMessage.id).where(InboxMessage.clubos_message_id == clubos_id))
    assert message_id is not None
    await stack.client.execute_workflow(
        MessageTriageWorkflow.run,
        TriageInput(message_id=message_id),
        id=ids.triage(clubos_id),
        task_queue=worker.task_queue,
    )
    async with stack.db.session() as session:
        decision = await session.scalar(select(InboxAiDecision).where(InboxAiDecision.message_id == message_id))
        alert = await session.scalar(select(Notification).where(Notification.ref == f"alert:{ids.triage(clubos_id)}"))
    assert decision is not None
    return member.id, decision, alert


@pytest.fixture
async def auto_pilot(stack: LocalStack) -> None:
    async with stack.db.transaction() as session:
        await control.set_inbox_mode(session, "auto", "tests")


@pytest.mark.usefixtures("auto_pilot")
async def test_a_confidently_wrong_question_about_a_near_drowning_is_escalated(
    stack: LocalStack, claude_worker: tuple[Worker, FakeClaude]
) -> None:
    worker, fake = claude_worker
    text = "Is the pool open on Sunday? My son almost drowned there last week and the lifeguard was on his phone"
    member_id, d, alert = await _triage(stack, worker, text)
    assert (d.category, d.decision, d.draft) == ("question", "escalate", None)
    assert d.source == f"Claude ({MODEL})" and "safety or injury" in d.reason
    assert d.flags == [{"flag": "safety", "evidence": "almost drowned", "urgent": True}]
    assert alert is not None and alert.kind == "alert" and "safety or injury" in alert.title
    assert await sent_to(stack, member_id) == []
    # The model was told the escalation rules and asked for flags; it was never asked to write a reply.
    [body] = fake.bodies
    assert body["system"] == (PROMPTS / "inbox_classify.md").read_text(encoding="utf-8").strip()
    assert "Escalation rules" in body["system"] and "door_access" in body["system"]
    assert "flags" in body["tools"][0]["input_schema"]["required"]


@pytest.mark.usefixtures("auto_pilot")
async def test_a_triple_charge_is_escalated_without_paging_anyone(
    stack: LocalStack, claude_worker: tuple[Worker, FakeClaude]
) -> None:
    worker, fake = claude_worker
    fake.classification = {**CONFIDENT_QUESTION, "category": "payment_inquiry", "intents": []}
    member_id, d, alert = await _triage(stack, worker, "My card was charged three times this month, fix it")
    assert d.decision == "escalate" and [f["flag"] for f in d.flags] == ["billing_dispute"]
    assert not d.flags[0]["urgent"] and alert is None
    assert await sent_to(stack, member_id) == []


@pytest.mark.usefixtures("auto_pilot")
async def test_the_model_may_add_a_flag_the_screen_missed(
    stack: LocalStack, claude_worker: tuple[Worker, FakeClaude]
) -> None:
    worker, fake = claude_worker
    fake.classification = {**CONFIDENT_QUESTION, "flags": ["threat"]}
    member_id, d, alert = await _triage(stack, worker, "Is the pool open? The man from last week is in the lobby again")
    assert d.decision == "escalate" and alert is not None
    assert d.flags == [{"flag": "threat", "evidence": "flagged by the model", "urgent": True}]
    assert await sent_to(stack, member_id) == []
