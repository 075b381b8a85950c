"""Activities of the inbox: incremental sync, triage context, classification,
replies through the outbox, suppression, and the decision log."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client

from clients.clubos import ClubOSClient
from clients.clubos_models import Channel
from clients.errors import ClientError, activity_errors
from contracts.inbox import (
    Classification,
    ClassifyRequest,
    Draft,
    DraftRequest,
    HistoryLine,
    MemberFacts,
    ReplyRequest,
    ReplyResult,
    SyncResult,
    TriageContext,
    TriageRecord,
)
from core.settings import Settings
from db import control, inbox_store, inbox_sync_store, suppression
from db.engine import Database
from db.models import InboxConversation, InboxMessage
from inbox import offline
from inbox.claude import ClaudeInbox
from inbox.remote import synced
from inbox.screen import screened
from inbox.starter import start_pending_triage
from messaging.sender import MessageSender, Recipient

PAGE = 500
MAX_PAGES_PER_SYNC = 20


class InboxActivities:
    def __init__(
        self, db: Database, clubos: ClubOSClient, client: Client, settings: Settings, model: ClaudeInbox | None
    ) -> None:
        self.db, self.clubos, self.client, self.settings, self.model = db, clubos, client, settings, model
        self.sender = MessageSender(db, clubos)

    @activity.defn(name="sync_inbox")
    async def sync_inbox(self, cursor: str | None) -> SyncResult:
        """Pages from `cursor` and stores every page before moving on; a retry starts
        from the same cursor and finds what it already stored."""
        fetched = stored = 0
        history = cursor is None  # the very first sync imports old conversations without answering them
        for page_number in range(MAX_PAGES_PER_SYNC):
            activity.heartbeat(page_number)
            async with activity_errors():
                page = await self.clubos.inbox_page(cursor, limit=PAGE)
            if page.messages:
                async with self.db.transaction() as session:
                    batch = [synced(m) for m in page.messages]
                    stored += len(await inbox_sync_store.store_synced(session, batch, history=history))
            fetched, cursor = fetched + len(page.messages), page.next_cursor
            if not page.has_more:
                break
        started = await start_pending_triage(self.client, self.db, self.settings)
        return SyncResult(cursor=cursor, fetched=fetched, stored=stored, triage_started=started)

    @activity.defn(name="load_triage_context")
    async def load_triage_context(self, message_id: int) -> TriageContext:
        async with self.db.session() as session:
            message = await session.get(InboxMessage, message_id)
            if message is None:
                raise ValueError(f"no inbox message {message_id}")
            conv = await session.get(InboxConversation, message.conversation_id)
            history = [
                h
                for h in await inbox_store.thread(session, message.conversation_id)
                if h.id != message_id and h.sent_at <= message.sent_at
            ][-10:]
            mode = await control.inbox_mode(session)
        member = None
        if message.from_member_id:
            async with activity_errors():
                m = await self.clubos.get_member(message.from_member_id)
            member = MemberFacts(
                id=m.id,
                first_name=m.first_name,
                status=m.status,
                amount_past_due=float(m.amount_past_due),
                days_past_due=m.days_past_due,
                last_check_in=m.last_check_in,
                membership_type=m.membership_type,
            )
        return TriageContext(
            message_id=message.id,
            clubos_message_id=message.clubos_message_id or str(message.id),
            conversation_id=message.conversation_id,
            member_id=message.from_member_id or "",
            member_name=message.from_member_name or (conv.member_name if conv else ""),
            channel=message.channel,
            body=message.content,
            member=member,
            ai_handling=conv.ai_handling if conv else True,
            mode=mode,
            history=[HistoryLine(direction=h.direction, body=h.content, at=h.sent_at) for h in history],
        )

    @activity.defn(name="classify_message")
    async def classify_message(self, req: ClassifyRequest) -> Classification:
        """Claude's reading or the offline one; the risk screen runs in code on it either way."""
        if req.offline_reason or self.model is None:
            cls = _labelled(offline.classify(req.context), req.offline_reason)
        else:
            async with activity_errors():
                cls = await self.model.classify(req.context)
        return screened(cls, req.context.body)

    @activity.defn(name="draft_reply")
    async def draft_reply(self, req: DraftRequest) -> Draft:
        if req.offline_reason or self.model is None:
            draft = offline.reply(req.context, req.classification)
            if req.offline_reason:
                draft.source = "Offline assistant (fallback after model error)"
            return draft
        async with activity_errors():
            return await self.model.write_reply(req.context, req.classification)

    @activity.defn(name="send_reply")
    async def send_reply(self, req: ReplyRequest) -> ReplyResult:
        """Replies by SMS or email like the member wrote (app messages are answered by SMS)."""
        async with self.db.session() as session:
            message = await session.get(InboxMessage, req.message_id)
        if message is None or not message.from_member_id:
            raise ValueError(f"no member message {req.message_id}")
        channel: Channel = "email" if message.channel == "email" else "sms"
        async with activity_errors():
            result = await self.sender.send(
                key=req.key,
                kind="inbox_reply",
                channel=channel,
                recipient=Recipient(
                    member_id=message.from_member_id,
                    contact=await self._contact(message.from_member_id, channel),
                    label=message.from_member_name or "",
                ),
                body=req.body,
                subject="Re: your message" if channel == "email" else None,
                workflow_id=activity.info().workflow_id,
                opt_out_confirmation=req.opt_out_confirmation,
            )
        if result.state == "sent":
            async with self.db.transaction() as session:
                await inbox_store.add_outgoing(
                    session,
                    conversation_id=message.conversation_id,
                    body=req.body,
                    channel=channel,
                    sent_by=req.sent_by,
                    outbox_key=req.key,
                )
        return ReplyResult(state=result.state, detail=result.detail)

    async def _contact(self, member_id: str, channel: str) -> str | None:
        try:
            member = await self.clubos.get_member(member_id)
        except ClientError:
            return None
        return member.phone if channel == "sms" else member.email

    @activity.defn(name="suppress_member")
    async def suppress_member(self, ctx: TriageContext) -> None:
        channel = "email" if ctx.channel == "email" else "sms"
        contact = await self._contact(ctx.member_id, channel)
        async with self.db.transaction() as session:
            await suppression.add(
                session,
                contact=contact or ctx.member_id,
                channel=channel,
                reason=f"replied “{ctx.body.strip()[:40]}”",
                source="stop_reply",
                by="inbox",
                member_id=ctx.member_id,
            )

    @activity.defn(name="resubscribe_member")
    async def resubscribe_member(self, ctx: TriageContext) -> bool:
        """START / UNSTOP: lifts the suppression of the channel they wrote on; False when there was none."""
        channel = "email" if ctx.channel == "email" else "sms"
        contact = await self._contact(ctx.member_id, channel)
        async with self.db.transaction() as session:
            return await suppression.lift(session, contact=contact, member_id=ctx.member_id, channel=channel) > 0

    @activity.defn(name="record_triage")
    async def record_triage(self, rec: TriageRecord) -> None:
        cls = rec.classification
        async with self.db.transaction() as session:
            await inbox_store.record_decision(
                session,
                rec.message_id,
                {
                    "category": cls.category,
                    "sub_intent": cls.sub_intent,
                    "confidence": cls.confidence,
                    "decision": rec.decision,
                    "reason": rec.reason,
                    "mode": rec.mode,
                    "source": (rec.draft.source if rec.draft else cls.source) or cls.source,
                    "draft": rec.draft.body if rec.draft else None,
                    "approval_id": rec.approval_id,
                    "flags": [
                        {"flag": f, "evidence": cls.evidence.get(f, ""), "urgent": f in cls.urgent} for f in cls.flags
                    ],
                },
                requires_response=rec.requires_response,
            )


def _labelled(cls: Classification, fallback_reason: str | None) -> Classification:
    if fallback_reason:
        cls.source = "Offline assistant (fallback after model error)"
    return cls
