"""The agent's other read-only tools, one activity each (`tool.<name>`): prospects, drafting, a member's message
history, campaign performance and past runs. The member reads are in activities/agent_member_tools.py."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from temporalio import activity

from activities.agent_read_base import ReadToolBase, today
from agent import segments, wording
from agent.toolsets import refusal
from clients.errors import activity_errors
from contracts import campaign_tools as m
from db import agent_runs_store
from db.models import OutboxEntry


class AgentReadTools(ReadToolBase):
    @activity.defn(name="tool.get_campaign_prospects")
    async def get_campaign_prospects(self, run_id: str, call_id: str, inp: m.ProspectQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_campaign_prospects"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            prospects = await self.clubos.list_prospects(
                status=[inp.status] if inp.status else None, not_contacted_days=inp.not_contacted_days
            )
        prospects = sorted(prospects, key=lambda p: p.created_at, reverse=True)[: inp.limit]
        segs = segments.prospect_segments(prospects)
        rows = [
            [
                p.id,
                p.name,
                p.source,
                p.status,
                p.created_at.date().isoformat(),
                p.last_contacted_at.date().isoformat() if p.last_contacted_at else None,
            ]
            for p in prospects
        ]
        return await self._table(
            run_id,
            call_id,
            "get_campaign_prospects",
            f"Analysed {len(prospects)} prospects ({len(segs)} segments).",
            ["id", "name", "source", "status", "created", "last_contacted"],
            rows,
            {"count": len(prospects), "segments": segs},
        )

    @activity.defn(name="tool.draft_message")
    async def draft_message(self, run_id: str, call_id: str, inp: m.DraftRequest) -> m.ToolOutput:
        if refused := refusal(run_id, "draft_message"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        text = wording.draft(f"{inp.purpose} {inp.audience}")
        return m.ToolOutput(summary=f"Drafted: {text}", data={"text": text, "channel": inp.channel})

    @activity.defn(name="tool.get_message_history")
    async def get_message_history(self, run_id: str, call_id: str, inp: m.MemberQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_message_history"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            conversations = await self.clubos.list_conversations(member_id=inp.member_id)
            messages = [x for c in conversations for x in await self.clubos.conversation_messages(c.id)]
        rows = [[x.sent_at.isoformat(), x.direction, x.channel, x.body[:200]] for x in messages]
        return await self._table(
            run_id,
            call_id,
            "get_message_history",
            f"{len(rows)} messages with {inp.member_id}.",
            ["at", "direction", "channel", "body"],
            rows,
        )

    @activity.defn(name="tool.get_campaign_performance")
    async def get_campaign_performance(self, run_id: str, call_id: str, inp: m.PerformanceQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_campaign_performance"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        since = today() - timedelta(days=inp.days)
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(OutboxEntry.kind, OutboxEntry.state, func.count())
                    .where(OutboxEntry.created_at >= since)
                    .group_by(OutboxEntry.kind, OutboxEntry.state)
                    .order_by(OutboxEntry.kind)
                )
            ).all()
        table = [[kind, state, int(n)] for kind, state, n in rows]
        sent = sum(n for _, state, n in table if state == "sent")
        return await self._table(
            run_id,
            call_id,
            "get_campaign_performance",
            f"{sent} messages and actions sent in the last {inp.days} days.",
            ["kind", "state", "count"],
            table,
            {"sent": sent},
        )

    @activity.defn(name="tool.get_run_history")
    async def get_run_history(self, run_id: str, call_id: str, inp: m.RunHistoryQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_run_history"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with self.db.session() as session:
            runs = await agent_runs_store.runs(session, inp.agent_id, inp.limit)
        rows = [
            [r.agent_id, r.status, r.started_at.isoformat(), r.duration_s, r.summary[:200]]
            for r in runs
            if r.id != run_id
        ]
        return await self._table(
            run_id,
            call_id,
            "get_run_history",
            f"{len(rows)} recent runs.",
            ["agent", "status", "started", "duration_s", "summary"],
            rows,
        )
