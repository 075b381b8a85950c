"""Activities of nurture journeys: the lead, coordinated sends (suppression,
opt-outs, the frequency cap and quiet hours, all under one per-lead lock),
handoffs with context, and the enrollment projection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from clients.clubos import ClubOSClient
from clients.errors import activity_errors
from clients.notify import Smtp, send_email
from contracts.journeys import EnrollmentUpdate, HandoffRequest, LeadChange, LeadSnapshot, SendOutcome, SendRequest
from core import metrics
from core.settings import Settings
from db import approvals_store, control, journey_store, locks, outbox, suppression
from db.engine import Database
from db.models import Handoff, Lead, LeadEvent, OutboxEntry
from db.upsert import insert_ignore
from journeys.facts import render, snapshot
from rules.frequency import next_allowed

JOURNEY_KINDS = ("journey_email", "journey_sms", "journey_chat")


class JourneyActivities:
    def __init__(self, db: Database, clubos: ClubOSClient, settings: Settings) -> None:
        self.db, self.clubos, self.settings = db, clubos, settings

    async def _lead(self, lead_id: str) -> Lead:
        async with self.db.session() as session:
            lead = await session.get(Lead, lead_id)
        if lead is None:
            raise ValueError(f"no lead {lead_id!r}")
        return lead

    @activity.defn(name="load_lead")
    async def load_lead(self, lead_id: str) -> LeadSnapshot:
        return snapshot(await self._lead(lead_id))

    @activity.defn(name="update_lead")
    async def update_lead(self, change: LeadChange) -> LeadSnapshot:
        async with self.db.transaction() as session:
            lead = await session.get(Lead, change.lead_id)
            if lead is None:
                raise ValueError(f"no lead {change.lead_id!r}")
            standard = {"stage", "region", "timezone", "source", "first_name", "last_name", "channel_preference"}
            for key, value in change.set.items():
                if key in standard:
                    setattr(lead, key, value)
                else:
                    lead.properties = {**(lead.properties or {}), key: value}
            lead.score = min(100, max(0, lead.score + change.score_delta))
            return snapshot(lead)

    def _recheck(self, holds: int) -> timedelta:
        """The fallback check of a held send backs off (the lift's signal is what normally wakes it)."""
        s = self.settings
        return timedelta(
            seconds=min(s.journeys.kill_switch_recheck_s * 2 ** min(holds, 30), s.journeys.kill_switch_recheck_max_s)
        )

    @staticmethod
    async def _channel(session: AsyncSession, requested: str, lead: Lead) -> tuple[str | None, bool]:
        """The channel to use, and whether the lead can no longer be reached on email or SMS."""
        usable = {
            "email": bool(lead.email)
            and not lead.opt_out_email
            and not await suppression.is_suppressed(session, lead.email, "email"),
            "sms": bool(lead.phone)
            and not lead.opt_out_sms
            and not await suppression.is_suppressed(session, lead.phone, "sms"),
        }
        unreachable = not usable["email"] and not usable["sms"]
        if requested == "chat":
            return "chat", unreachable
        if requested == "auto":
            preferred = lead.channel_preference if lead.channel_preference in usable else "email"
            order = [preferred, "sms" if preferred == "email" else "email"]
            return next((c for c in order if usable[c]), None), unreachable
        return (requested if usable.get(requested) else None), unreachable

    @activity.defn(name="send_journey_message")
    async def send_journey_message(self, req: SendRequest) -> SendOutcome:
        async with self.db.session() as session:
            existing = await session.scalar(select(OutboxEntry).where(OutboxEntry.idempotency_key == req.key))
            if existing is not None and existing.state == "sent":
                return SendOutcome(state="sent", detail="already sent", channel=existing.channel)
            kill = await control.kill_switch(session)
            lead = await session.get(Lead, req.lead_id)
            if lead is None:
                raise ValueError(f"no lead {req.lead_id!r}")
            channel, unreachable = await self._channel(session, req.channel, lead)
        if kill["on"]:  # the journey holds its step until the switch is lifted; nothing is lost or sent meanwhile
            metrics.JOURNEY_DEFERRED.inc(reason="kill switch")
            async with self.db.transaction() as session:
                await journey_store.hold(session, req.enrollment_id)
            return SendOutcome(
                state="deferred",
                detail=f"kill switch on: {kill.get('reason') or ''}",
                retry_at=datetime.now(UTC) + self._recheck(req.holds),
                held=True,
            )
        if req.holds:
            async with self.db.transaction() as session:
                await journey_store.unhold(session, [req.enrollment_id])
        if channel is None:
            metrics.SENDS.inc(channel=req.channel, outcome="skipped")
            return SendOutcome(
                state="skipped",
                detail=f"{req.channel}: opted out, suppressed or no address",
                opted_out_everywhere=unreachable,
            )
        s, now = self.settings, datetime.now(UTC)
        async with self.db.transaction() as session:
            await locks.take(session, f"lead:{lead.id}")  # one journey at a time checks and claims the cap
            if existing is None:
                window = timedelta(seconds=s.journeys.cap_window_s)
                sent = await outbox.sent_times(session, lead.id, JOURNEY_KINDS, now - window)
                quiet = None if channel == "chat" else (s.journeys.quiet_hours_start, s.journeys.quiet_hours_end)
                retry = next_allowed(now, lead.timezone, sent, cap=s.journeys.cap, window=window, quiet=quiet)
                if retry is not None:
                    why = "frequency cap" if len(sent) >= s.journeys.cap else "quiet hours"
                    metrics.JOURNEY_DEFERRED.inc(reason=why)
                    return SendOutcome(state="deferred", detail=why, channel=channel, retry_at=retry)
                await outbox.reserve(
                    session,
                    key=req.key,
                    kind=f"journey_{channel}",
                    target=lead.email or lead.phone or lead.id,
                    payload={"step": req.step_id, "journey": req.journey_id},
                    workflow_id=req.enrollment_id,
                    channel=channel,
                    recipient=lead.id,
                )
        body = render(req.body, snapshot(lead), s.club.name, s.journeys.booking_url)
        subject = render(
            req.subject or f"A note from {s.club.name}", snapshot(lead), s.club.name, s.journeys.booking_url
        )
        async with activity_errors():
            result = await self._deliver(req.key, channel, lead, subject, body)
        await outbox.set_state(self.db, req.key, "sent", result=result)
        metrics.SENDS.inc(channel=channel, outcome="sent")
        return SendOutcome(state="sent", detail=result.get("detail", "sent"), channel=channel)

    async def _deliver(self, key: str, channel: str, lead: Lead, subject: str, body: str) -> dict[str, str]:
        s = self.settings
        if channel == "email":
            assert lead.email is not None
            await send_email(Smtp.from_settings(s), [lead.email], subject, body, f"<{key}@renubu>")
            return {"detail": f"email to {lead.email}", "body": body}
        if channel == "sms":
            assert lead.phone is not None
            sent = await self.clubos.send_message(key, channel="sms", body=body, to=lead.phone)
            return {"detail": f"SMS to {lead.phone}", "message_id": sent.id, "body": body}
        # The website chat shows it the next time the lead opens the widget.
        return {"detail": "queued in the web chat", "body": body}

    @activity.defn(name="hand_off")
    async def hand_off(self, req: HandoffRequest) -> None:
        """Records who takes over, with the context they need (conversation, score, agents, reason)."""
        async with self.db.session() as session:
            lead = await session.get(Lead, req.lead_id)
            messages = list(
                await session.scalars(
                    select(OutboxEntry).where(OutboxEntry.recipient == req.lead_id).order_by(OutboxEntry.created_at)
                )
            )
            events = list(
                await session.scalars(
                    select(LeadEvent).where(LeadEvent.lead_id == req.lead_id).order_by(LeadEvent.occurred_at)
                )
            )
        assert lead is not None
        history = [
            {
                "at": m.created_at.isoformat(),
                "from": "club",
                "channel": m.channel,
                "text": (m.result or {}).get("body", ""),
            }
            for m in messages
            if m.state == "sent"
        ]
        history += [
            {
                "at": e.occurred_at.isoformat(),
                "from": "lead",
                "event": e.type,
                "channel": e.channel,
                "text": e.data.get("text", ""),
            }
            for e in events
        ]
        name = f"{lead.first_name} {lead.last_name}".strip()
        context = {
            "conversation_history": sorted(history, key=lambda h: h["at"]),
            "lead_score": lead.score,
            "previous_agents": req.previous_agents,
            "handoff_reason": req.reason,
            "journey": req.journey_name,
            "lead": {"name": name, "email": lead.email, "phone": lead.phone},
        }
        async with self.db.transaction() as session:
            created = await insert_ignore(
                session,
                Handoff,
                {
                    "key": req.key,
                    "lead_id": req.lead_id,
                    "from_agent": req.from_agent,
                    "to_agent": req.to,
                    "reason": req.reason,
                    "context": context,
                },
                ["key"],
            )
            if created and req.to == "human":
                await approvals_store.notify(
                    session,
                    ref=f"handoff:{req.key}",
                    kind="handoff",
                    title=f"Call {name or 'a lead'} (score {lead.score})",
                    body=req.reason,
                    link=f"/leads/{req.lead_id}",
                )

    @activity.defn(name="project_enrollment")
    async def project_enrollment(self, u: EnrollmentUpdate) -> None:
        async with self.db.transaction() as session:
            await journey_store.project(
                session,
                {
                    "id": u.id,
                    "lead_id": u.lead_id,
                    "journey_id": u.journey_id,
                    "version": u.version,
                    "status": u.status,
                    "current_step": u.current_step,
                    "exit_reason": u.exit_reason,
                    "started_at": u.started_at,
                    "finished_at": u.finished_at,
                    "seq": max((v.seq for v in u.visits), default=0) * 2 + (1 if u.finished_at else 0),
                },
                [
                    {
                        "enrollment_id": u.id,
                        "journey_id": u.journey_id,
                        "version": u.version,
                        "step_id": v.step_id,
                        "seq": v.seq,
                        "entered_at": v.entered_at,
                        "left_at": v.left_at,
                        "outcome": v.outcome[:300],
                    }
                    for v in u.visits
                ],
            )
