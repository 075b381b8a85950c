"""The agent's read-only tools about members (ClubOS), one activity each (`tool.<name>`). Each returns a
sentence, a preview table and, for the UI and CSV export, the full rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from temporalio import activity

from activities.agent_read_base import ReadToolBase, today
from agent import segments
from agent.toolsets import refusal
from clients.clubos import Member
from clients.errors import activity_errors
from contracts import campaign_tools as m


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


class MemberReadTools(ReadToolBase):
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
        segs = segments.member_segments(members, today().date())
        return await self._table(
            run_id,
            call_id,
            "get_green_members",
            f"Analysed {len(members)} members in good standing ({len(segs)} segments).",
            MEMBER_COLUMNS,
            [_member_row(x) for x in members],
            {"count": len(members), "segments": segs},
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
