"""Who a side-effecting tool call would touch, before anything is done: the
list the policy counts and the manager reviews on the approval card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent.catalog import CATALOG
from clients.clubos import ClubOSClient
from clients.clubos_models import Member, MemberFilters, Prospect, ProspectFilters
from contracts import campaign_tools as m
from contracts.campaigns import Resolution, ToolCall
from core.settings import Settings
from db import outbox
from db.engine import Database

REMINDER_KINDS = ("payment_reminder",)


def member_target(member: Member) -> m.Target:
    owed = f"${member.amount_past_due:,.2f}, {member.days_past_due} days past due" if member.amount_past_due else ""
    return m.Target(
        id=member.id,
        label=f"{member.first_name} {member.last_name}",
        detail=owed,
        contact=member.phone,
        first_name=member.first_name,
        data={"email": member.email, "amount": member.amount_past_due, "days": member.days_past_due},
    )


def by_severity(members: list[Member]) -> list[Member]:
    """Most days past due first, then the larger balance: the manager reviews (and "selects the worst N")
    from the top, so the members longest overdue are never left below those a few days late."""
    return sorted(members, key=lambda x: (-x.days_past_due, -x.amount_past_due, x.id))


def prospect_target(prospect: Prospect) -> m.Target:
    first = prospect.name.split()[0] if prospect.name else ""
    return m.Target(
        id=prospect.id,
        label=prospect.name,
        detail=f"{prospect.source}, {prospect.status}",
        contact=prospect.phone,
        first_name=first,
        data={"email": prospect.email},
    )


class TargetResolver:
    def __init__(self, clubos: ClubOSClient, db: Database, settings: Settings) -> None:
        self.clubos, self.db, self.settings = clubos, db, settings

    async def resolve(self, call: ToolCall) -> Resolution:
        inp = CATALOG[call.name].input_model.model_validate(call.input)
        match inp:
            case m.RemindersRequest():
                return await self._reminders(inp)
            case m.DoorRequest() if call.name == "lock_door_access":
                members = await self._past_due_or_ids(inp.member_ids, inp.min_days_past_due, door="unlocked")
                return _res(f"Lock door access for {len(members)} members?", members, "with door access open")
            case m.DoorRequest():
                members = await self._past_due_or_ids(inp.member_ids, None, door="locked")
                return _res(f"Unlock door access for {len(members)} members?", members, "currently locked")
            case m.CampaignRequest():
                targets = await self._audience(inp.audience)
                return _res(
                    f"Send '{inp.name}' to {len(targets)} recipients?",
                    targets,
                    f"{inp.channel} campaign",
                    editable={"body": inp.body},
                )
            case m.MessageRequest():
                targets = await self._one(inp.member_id, inp.prospect_id)
                return _res(
                    f"Send a message to {targets[0].label if targets else 'nobody'}?",
                    targets,
                    "one message",
                    editable={"body": inp.body},
                )
            case m.PaymentLinkRequest():
                targets = [member_target(await self.clubos.get_member(inp.member_id))]
                return _res(f"Create a payment link for {targets[0].label}?", targets, "one payment link")
            case m.ReferralRequest():
                owing = await self.clubos.list_members(past_due=True, min_days_past_due=inp.min_days_past_due)
                chosen = [member_target(x) for x in by_severity(owing) if x.amount_past_due >= inp.min_amount]
                return _res(
                    f"Refer {len(chosen)} members to collections?", chosen, f"{inp.min_days_past_due}+ days past due"
                )
        raise ValueError(f"{call.name} has no target resolution")

    async def _reminders(self, inp: m.RemindersRequest) -> Resolution:
        members = await self._past_due_or_ids(inp.member_ids, inp.min_days_past_due or 0, door=None)
        window = datetime.now(UTC) - timedelta(days=self.settings.agents.reminder_window_days)
        recent = await outbox.recently_messaged(self.db, [t.id for t in members], REMINDER_KINDS, window)
        fresh = [t for t in members if t.id not in recent]
        skipped = (
            f"; {len(recent)} reminded in the last {self.settings.agents.reminder_window_days} days skipped"
            if recent
            else ""
        )
        return _res(f"Send payment reminders to {len(fresh)} members?", fresh, f"past due{skipped}")

    async def _past_due_or_ids(self, ids: list[str], min_days: int | None, door: str | None) -> list[m.Target]:
        members: list[Member]
        if ids:
            members = [await self.clubos.get_member(i) for i in dict.fromkeys(ids)]
            if min_days is not None:
                members = [x for x in members if x.days_past_due >= min_days]
        else:
            members = await self.clubos.list_members(past_due=True, min_days_past_due=min_days or 0)
        if door:
            members = [x for x in members if x.door_access == door]
        return [member_target(x) for x in by_severity(members)]

    async def _audience(self, a: m.Audience) -> list[m.Target]:
        if a.kind == "members":
            if a.ids:
                return [member_target(await self.clubos.get_member(i)) for i in dict.fromkeys(a.ids)][: a.limit]
            filters: MemberFilters = {}
            if a.member_status:
                filters["status"] = [a.member_status]
            if a.inactive_days:
                filters["inactive_days"] = a.inactive_days
            return [member_target(x) for x in await self.clubos.list_members(**filters)][: a.limit]
        wanted_prospects: ProspectFilters = {}
        if a.prospect_status:
            wanted_prospects["status"] = [a.prospect_status]
        if a.not_contacted_days is not None:
            wanted_prospects["not_contacted_days"] = a.not_contacted_days
        prospects = await self.clubos.list_prospects(**wanted_prospects)
        wanted = set(a.ids)
        chosen = [p for p in prospects if not wanted or p.id in wanted]
        return [prospect_target(p) for p in chosen][: a.limit]

    async def _one(self, member_id: str | None, prospect_id: str | None) -> list[m.Target]:
        if member_id:
            return [member_target(await self.clubos.get_member(member_id))]
        if prospect_id:
            return [prospect_target(p) for p in await self.clubos.list_prospects() if p.id == prospect_id]
        return []


def _res(title: str, targets: list[m.Target], what: str, editable: dict[str, str] | None = None) -> Resolution:
    owed = sum(float(t.data.get("amount") or 0) for t in targets)
    money = f", ${owed:,.2f} outstanding" if owed else ""
    return Resolution(
        title=title,
        targets=targets,
        summary=f"{len(targets)} {what}{money}",
        kill_switch=False,
        editable=editable,
    )
