"""The agent's side-effecting tools, one activity each. They run only after the
workflow's policy check (and a manager's approval where needed), on exactly the
targets that were approved. Every effect goes through the outbox with a key
derived from the run, the call and the target, so a retry or a restarted worker
never does anything twice."""

from __future__ import annotations

import csv
import io

from temporalio import activity
from temporalio.exceptions import ApplicationError

from agent import wording
from agent.targets import REMINDER_KINDS
from agent.toolsets import refusal
from clients.clubos import ClubOSClient
from clients.errors import activity_errors
from clients.notify import Smtp, send_email
from contracts import campaign_tools as m
from contracts.campaigns import SideEffectRequest, ToolExecution
from core.settings import Settings
from db import agent_runs_store, control, outbox
from db.engine import Database
from messaging.sender import MessageSender, Recipient, SendResult, kill_switch_error
from rules.spreadsheet import safe_rows


def _key(req: SideEffectRequest, target_id: str, suffix: str = "") -> str:
    return f"{req.run_id}:{req.call.id}:{target_id}{suffix}"


def _recipient(t: m.Target, kind: str) -> Recipient:
    return Recipient(
        member_id=t.id if kind == "members" else None,
        prospect_id=t.id if kind == "prospects" else None,
        contact=t.contact,
        label=t.label,
    )


def _kind_of(target_id: str) -> str:
    return "prospects" if target_id.startswith("P") else "members"


def _tally(results: list[SendResult], what: str) -> ToolExecution:
    sent = sum(1 for r in results if r.state == "sent")
    skipped = sum(1 for r in results if r.state == "rejected")
    failed = sum(1 for r in results if r.state == "failed")
    extra = "".join(
        [
            f", {skipped} skipped (suppressed or opted out)" if skipped else "",
            f", {failed} failed" if failed else "",
        ]
    )
    return ToolExecution(
        output=m.ToolOutput(
            summary=f"Sent {sent} {what}{extra}.", data={"sent": sent, "skipped": skipped, "failed": failed}
        ),
        done=sent,
    )


def _ensure_allowed(req: SideEffectRequest, tool: str) -> None:
    """A second line behind resolve_targets: a side effect outside the agent's tool list never runs."""
    if refused := refusal(req.run_id, tool):
        raise ApplicationError(f"Not allowed: {refused}", type="ToolNotAllowed", non_retryable=True)


class AgentActionTools:
    def __init__(self, clubos: ClubOSClient, db: Database, settings: Settings) -> None:
        self.clubos, self.db, self.settings = clubos, db, settings
        self.sender = MessageSender(db, clubos)

    async def _targets(self, req: SideEffectRequest) -> list[m.Target]:
        """The targets to touch: inline, or (by reference) the stored ones whose ids the workflow approved."""
        if not req.targets_ref:
            return req.targets
        async with self.db.session() as session:
            stored = {t["id"]: t for t in await agent_runs_store.targets(session, req.targets_ref)}
        return [m.Target.model_validate(stored[i]) for i in req.target_ids if i in stored]

    async def _send_each(self, req: SideEffectRequest, kind: str, channel: str, body_for: object) -> list[SendResult]:
        results = []
        for i, target in enumerate(await self._targets(req)):
            activity.heartbeat(i)
            body = await body_for(target)  # type: ignore[operator]
            results.append(
                await self.sender.send(
                    key=_key(req, target.id),
                    kind=kind,
                    channel=channel,
                    recipient=_recipient(target, _kind_of(target.id)),
                    body=body,
                    workflow_id=req.run_id,
                )
            )
        return results

    @activity.defn(name="tool.send_payment_reminders")
    async def send_payment_reminders(self, req: SideEffectRequest) -> ToolExecution:
        _ensure_allowed(req, "send_payment_reminders")
        inp = m.RemindersRequest.model_validate(req.call.input)

        async def body(t: m.Target) -> str:
            link = await self.clubos.create_payment_link(t.id, idempotency_key=_key(req, t.id, ":link"))
            return wording.payment_reminder(
                t.first_name, float(t.data.get("amount") or 0), link.url, self.settings.club.name, t.id
            )

        async with activity_errors():
            results = await self._send_each(req, REMINDER_KINDS[0], inp.channel, body)
        return _tally(results, "payment reminders")

    @activity.defn(name="tool.send_message")
    async def send_message(self, req: SideEffectRequest) -> ToolExecution:
        _ensure_allowed(req, "send_message")
        inp = m.MessageRequest.model_validate(req.call.input)
        text = (req.edits or {}).get("body", inp.body)

        async def body(t: m.Target) -> str:
            return wording.personalise(text, t.first_name)

        async with activity_errors():
            results = await self._send_each(req, "message", inp.channel, body)
        return _tally(results, "message")

    @activity.defn(name="tool.send_bulk_campaign")
    async def send_bulk_campaign(self, req: SideEffectRequest) -> ToolExecution:
        _ensure_allowed(req, "send_bulk_campaign")
        inp = m.CampaignRequest.model_validate(req.call.input)
        text = (req.edits or {}).get("body", inp.body)

        async def body(t: m.Target) -> str:
            return wording.personalise(text, t.first_name)

        async with activity_errors():
            results = await self._send_each(req, "campaign", inp.channel, body)
        execution = _tally(results, f"'{inp.name}' messages")
        execution.output.data["campaign"] = inp.name
        return execution

    async def _door(self, req: SideEffectRequest, lock: bool) -> ToolExecution:
        inp = m.DoorRequest.model_validate(req.call.input)
        done = 0
        for i, target in enumerate(await self._targets(req)):
            activity.heartbeat(i)
            async with self.db.session() as session:
                kill = await control.kill_switch(session)
            if kill["on"]:
                raise kill_switch_error(str(kill.get("reason", "")))
            key = _key(req, target.id)

            async def change(t: m.Target = target, k: str = key) -> dict[str, str]:
                result = await self.clubos.set_door_access(k, t.id, lock=lock, reason=inp.reason)
                return {"door_access": result.door_access}

            async with activity_errors():
                await outbox.send_once(
                    self.db,
                    key=key,
                    kind="door_lock" if lock else "door_unlock",
                    target=target.label,
                    payload={"member_id": target.id, "reason": inp.reason},
                    workflow_id=req.run_id,
                    send=change,
                )
            done += 1
        verb = "Locked" if lock else "Unlocked"
        return ToolExecution(
            output=m.ToolOutput(summary=f"{verb} door access for {done} members.", data={"changed": done}),
            done=done,
        )

    @activity.defn(name="tool.lock_door_access")
    async def lock_door_access(self, req: SideEffectRequest) -> ToolExecution:
        _ensure_allowed(req, "lock_door_access")
        return await self._door(req, lock=True)

    @activity.defn(name="tool.unlock_door_access")
    async def unlock_door_access(self, req: SideEffectRequest) -> ToolExecution:
        _ensure_allowed(req, "unlock_door_access")
        return await self._door(req, lock=False)

    @activity.defn(name="tool.create_payment_link")
    async def create_payment_link(self, req: SideEffectRequest) -> ToolExecution:
        _ensure_allowed(req, "create_payment_link")
        target = (await self._targets(req))[0]
        async with activity_errors():
            link = await self.clubos.create_payment_link(target.id, idempotency_key=_key(req, target.id))
        return ToolExecution(
            output=m.ToolOutput(summary=f"Payment link for {target.label}: {link.url}", data={"url": link.url}),
            done=1,
        )

    @activity.defn(name="tool.build_collections_referral_list")
    async def build_collections_referral_list(self, req: SideEffectRequest) -> ToolExecution:
        _ensure_allowed(req, "build_collections_referral_list")
        columns = ["member_id", "name", "phone", "email", "amount", "days_past_due"]
        targets = await self._targets(req)
        rows = [
            [t.id, t.label, t.contact, t.data.get("email"), t.data.get("amount"), t.data.get("days")] for t in targets
        ]
        ref = f"{req.run_id}:{req.call.id}"
        async with self.db.transaction() as session:
            await agent_runs_store.save_tool_result(
                session, ref, req.run_id, "build_collections_referral_list", columns, rows
            )
        total = sum(float(t.data.get("amount") or 0) for t in targets)
        summary = f"Referral list of {len(rows)} members (${total:,.2f})"
        if self.settings.notify.smtp_host:
            buffer = io.StringIO()
            csv.writer(buffer).writerows([columns, *safe_rows(rows)])

            async def mail() -> dict[str, str]:
                s = self.settings
                await send_email(
                    Smtp.from_settings(s),
                    [s.agents.collections_email],
                    f"Collections referrals from {s.club.name}",
                    buffer.getvalue(),
                    f"<{ref}@renubu>",
                )
                return {"to": s.agents.collections_email}

            async with activity_errors():
                await outbox.send_once(
                    self.db,
                    key=f"{ref}:collections",
                    kind="collections_referral",
                    target=self.settings.agents.collections_email,
                    payload={"members": len(rows)},
                    workflow_id=req.run_id,
                    send=mail,
                )
            summary += f" sent to {self.settings.agents.collections_email}"
        return ToolExecution(
            output=m.ToolOutput(
                summary=summary + ".",
                columns=columns,
                preview=rows[:20],
                total_rows=len(rows),
                result_ref=ref,
            ),
            done=len(rows),
        )
