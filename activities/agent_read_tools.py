"""The agent's read-only tools, one activity each (`tool.<name>`). Each returns
a sentence, a preview table and, for the UI and CSV export, the full rows."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from temporalio import activity

from agent import copy, segments
from agent.toolsets import refusal
from clients.clubos import ClubOSClient, Member
from clients.errors import activity_errors
from contracts import campaign_tools as m
from db import agent_runs_store
from db.engine import Database
from db.models import OutboxEntry

PREVIEW = 20


def _today() -> datetime:
    return datetime.now(UTC)


def _member_row(x: Member) -> list[Any]:
    return [
        x.id,
        f"{x.first_name} {x.last_name}",
        x.status,
        round(x.amount_past_due, 2),
        x.days_past_due,
        x.door_access,
        x.last_check_in.isoformat() if x.last_check_in else None,
    ]


MEMBER_COLUMNS = ["id", "name", "status", "past_due", "days_past_due", "door_access", "last_check_in"]


class AgentReadTools:
    def __init__(self, clubos: ClubOSClient, db: Database) -> None:
        self.clubos, self.db = clubos, db

    async def _table(
        self,
        run_id: str,
        call_id: str,
        tool: str,
        summary: str,
        columns: list[str],
        rows: list[list[Any]],
        data: dict[str, Any] | None = None,
    ) -> m.ToolOutput:
        ref = f"{run_id}:{call_id}"
        async with self.db.transaction() as session:
            await agent_runs_store.save_tool_result(session, ref, run_id, tool, columns, rows)
        return m.ToolOutput(
            summary=summary,
            columns=columns,
            preview=rows[:PREVIEW],
            total_rows=len(rows),
            result_ref=ref,
            data=data or {},
        )

    @activity.defn(name="tool.get_member_summary")
    async def get_member_summary(self, run_id: str, call_id: str, inp: m.NoInput) -> m.ToolOutput:
        if refused := refusal(run_id, "get_member_summary"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            members = await self.clubos.list_members()
        by_status = Counter(x.status for x in members)
        owed = float(sum(x.amount_past_due for x in members))
        rows = [[status, n] for status, n in sorted(by_status.items())]
        return await self._table(
            run_id,
            call_id,
            "get_member_summary",
            f"{len(members)} members: {', '.join(f'{n} {s}' for s, n in rows)}; ${owed:,.2f} past due in total.",
            ["status", "members"],
            rows,
            {"by_status": dict(by_status), "past_due_total": round(owed, 2)},
        )

    @activity.defn(name="tool.get_past_due_members")
    async def get_past_due_members(self, run_id: str, call_id: str, inp: m.PastDueQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_past_due_members"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            members = await self.clubos.list_members(past_due=True, min_days_past_due=inp.min_days)
        members = sorted(
            (x for x in members if x.amount_past_due >= inp.min_amount),
            key=lambda x: (-x.days_past_due, -x.amount_past_due),
        )
        total = float(sum(x.amount_past_due for x in members))
        ten_plus = sum(1 for x in members if x.days_past_due >= 10)
        return await self._table(
            run_id,
            call_id,
            "get_past_due_members",
            f"Found {len(members)} past-due members totalling ${total:,.2f}; {ten_plus} are 10 or more days late.",
            MEMBER_COLUMNS,
            [_member_row(x) for x in members],
            {"count": len(members), "total": round(total, 2), "ten_plus_days": ten_plus},
        )

    @activity.defn(name="tool.get_member")
    async def get_member(self, run_id: str, call_id: str, inp: m.MemberQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_member"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            x = await self.clubos.get_member(inp.member_id)
        return await self._table(
            run_id,
            call_id,
            "get_member",
            f"{x.first_name} {x.last_name}: {x.status}, {x.membership_type}, ${x.amount_past_due:,.2f} past due.",
            MEMBER_COLUMNS,
            [_member_row(x)],
            {"opt_out_sms": x.opt_out_sms, "opt_out_email": x.opt_out_email},
        )

    @activity.defn(name="tool.get_inactive_members")
    async def get_inactive_members(self, run_id: str, call_id: str, inp: m.InactiveQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_inactive_members"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            members = await self.clubos.list_members(status=["green"], inactive_days=inp.days)
        return await self._table(
            run_id,
            call_id,
            "get_inactive_members",
            f"{len(members)} members in good standing have not checked in for {inp.days}+ days.",
            MEMBER_COLUMNS,
            [_member_row(x) for x in members],
            {"count": len(members)},
        )

    @activity.defn(name="tool.get_green_members")
    async def get_green_members(self, run_id: str, call_id: str, inp: m.GreenQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_green_members"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            members = await self.clubos.list_members(status=["green"])
        if inp.membership_type:
            members = [x for x in members if x.membership_type == inp.membership_type]
        members = members[: inp.limit]
        segs = segments.member_segments(members, _today().date())
        return await self._table(
            run_id,
            call_id,
            "get_green_members",
            f"Analysed {len(members)} members in good standing ({len(segs)} segments).",
            MEMBER_COLUMNS,
            [_member_row(x) for x in members],
            {"count": len(members), "segments": segs},
        )

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
        text = copy.draft(f"{inp.purpose} {inp.audience}")
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

    @activity.defn(name="tool.get_door_access_status")
    async def get_door_access_status(self, run_id: str, call_id: str, inp: m.DoorStatusQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_door_access_status"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            members = await self.clubos.list_members(door_access="locked" if inp.locked_only else None)
        locked = sum(1 for x in members if x.door_access == "locked")
        return await self._table(
            run_id,
            call_id,
            "get_door_access_status",
            f"{locked} of {len(members)} members have door access locked.",
            MEMBER_COLUMNS,
            [_member_row(x) for x in members if not inp.locked_only or x.door_access == "locked"],
            {"locked": locked},
        )

    @activity.defn(name="tool.get_campaign_performance")
    async def get_campaign_performance(self, run_id: str, call_id: str, inp: m.PerformanceQuery) -> m.ToolOutput:
        if refused := refusal(run_id, "get_campaign_performance"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        since = _today() - timedelta(days=inp.days)
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

    @activity.defn(name="tool.get_collections_summary")
    async def get_collections_summary(self, run_id: str, call_id: str, inp: m.NoInput) -> m.ToolOutput:
        if refused := refusal(run_id, "get_collections_summary"):
            return m.ToolOutput(ok=False, summary=f"Not allowed: {refused}.")
        async with activity_errors():
            members = await self.clubos.list_members(past_due=True)
        buckets = [
            ("1-9 days", 1, 9),
            ("10-29 days", 10, 29),
            ("30-59 days", 30, 59),
            ("60+ days", 60, 10**6),
        ]
        rows = [
            [
                name,
                sum(1 for x in members if lo <= x.days_past_due <= hi),
                round(sum(x.amount_past_due for x in members if lo <= x.days_past_due <= hi), 2),
            ]
            for name, lo, hi in buckets
        ]
        over_60 = rows[-1]
        return await self._table(
            run_id,
            call_id,
            "get_collections_summary",
            f"{len(members)} members owe ${sum(r[2] for r in rows):,.2f}; {over_60[1]} of them "
            f"(${over_60[2]:,.2f}) are 60+ days past due.",
            ["age", "members", "amount"],
            rows,
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
