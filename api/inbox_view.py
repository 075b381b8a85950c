"""What the inbox pages show, read through the stores: conversation rows with
their badges, a thread with who sent each message and the AI's decision, the
metrics strip, and the assistant's evaluation beside the auto-pilot switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.settings import Settings
from db import control, inbox_store
from db.models import Approval, InboxAiDecision, InboxConversation, InboxMessage, Suppression, User
from db.models.base import utcnow
from inbox import evaluation
from inbox.evaluation import Report
from inbox.offline import LABEL

TRIAGE_PREFIX = "triage-"  # MessageTriageWorkflow ids: triage-<ClubOS message id>


@dataclass
class Row:
    conv: InboxConversation
    opted_out: bool
    awaiting_approval: bool


@dataclass
class MessageView:
    m: InboxMessage
    sender: str
    kind: str  # member / ai / staff / clubos
    decision: InboxAiDecision | None = None
    approval: Approval | None = None

    @property
    def source_kind(self) -> str:
        """model / offline / rule: never call it the model when the offline assistant decided."""
        source = self.decision.source if self.decision else ""
        return "offline" if "Offline" in source else "model" if source.startswith("Claude") else "rule"


@dataclass
class ThreadView:
    conv: InboxConversation
    messages: list[MessageView]
    opt_out: Suppression | None


async def _opted_out(session: AsyncSession, member_ids: list[str]) -> dict[str, Suppression]:
    if not member_ids:
        return {}
    rows = await session.scalars(select(Suppression).where(Suppression.member_id.in_(member_ids)))
    return {s.member_id: s for s in rows if s.member_id}


async def pending_inbox_approvals(session: AsyncSession) -> list[Approval]:
    rows = await session.scalars(
        select(Approval).where(
            Approval.workflow_kind == "inbox", Approval.status == "pending", Approval.expires_at > utcnow()
        )
    )
    return list(rows)


async def rows(session: AsyncSession, *, view: str, tag: str | None, search: str) -> list[Row]:
    convs = await inbox_store.conversations(session, view=view, tag=tag, search=search)
    opted = await _opted_out(session, list({c.member_id for c in convs}))
    clubos_ids = [a.workflow_id.removeprefix(TRIAGE_PREFIX) for a in await pending_inbox_approvals(session)]
    waiting: set[str] = set()
    if clubos_ids:
        waiting = set(
            await session.scalars(
                select(InboxMessage.conversation_id).where(InboxMessage.clubos_message_id.in_(clubos_ids))
            )
        )
    return [Row(c, c.member_id in opted, c.id in waiting) for c in convs]


async def tags(session: AsyncSession) -> list[str]:
    seen = {t for row in await session.scalars(select(InboxConversation.tags)) for t in (row or [])}
    return sorted(seen)


async def _names(session: AsyncSession, emails: set[str]) -> dict[str, str]:
    if not emails:
        return {}
    return dict((await session.execute(select(User.email, User.name).where(User.email.in_(emails)))).all())


async def thread(session: AsyncSession, conversation_id: str) -> ThreadView | None:
    conv = await session.get(InboxConversation, conversation_id)
    if conv is None:
        return None
    messages = await inbox_store.thread(session, conversation_id)
    decisions = await inbox_store.decisions_for(session, [m.id for m in messages])
    by_clubos = {m.clubos_message_id: m.id for m in messages if m.clubos_message_id}
    approvals: dict[int, Approval] = {}
    if by_clubos:
        for a in await session.scalars(
            select(Approval)
            .where(Approval.workflow_id.in_([TRIAGE_PREFIX + c for c in by_clubos]))
            .order_by(Approval.requested_at)
        ):
            approvals[by_clubos[a.workflow_id.removeprefix(TRIAGE_PREFIX)]] = a
    approvers = {a.workflow_id.removeprefix(TRIAGE_PREFIX): a.decided_by for a in approvals.values() if a.decided_by}
    names = await _names(session, {e for e in (*approvers.values(), *(m.sent_by or "" for m in messages)) if "@" in e})
    views = [
        MessageView(m, *_sender(m, conv, names, approvers), decisions.get(m.id), approvals.get(m.id)) for m in messages
    ]
    opt_out = (await _opted_out(session, [conv.member_id])).get(conv.member_id)
    return ThreadView(conv, views, opt_out)


def _sender(
    m: InboxMessage, conv: InboxConversation, names: dict[str, str], approvers: dict[str, str]
) -> tuple[str, str]:
    """Who sent it, as staff should read it, and which kind of sender (for the bubble's style)."""
    if m.direction == "incoming":
        return m.from_member_name or conv.member_name, "member"
    if m.sent_by == "ai":
        key = m.outbox_key or ""  # triage:<ClubOS id of the member message>:reply|opt-out|opt-in
        if key.endswith(":opt-out"):
            return "AI · opt-out confirmation", "ai"
        if key.endswith(":opt-in"):
            return "AI · opt-in confirmation", "ai"
        approver = approvers.get(key.removeprefix("triage:").rsplit(":", 1)[0])
        return (f"AI draft · approved by {names.get(approver, approver)}" if approver else "AI auto-reply"), "ai"
    if m.sent_by in (None, "clubos"):
        return "Club (sent in ClubOS)", "clubos"
    return names.get(m.sent_by, m.sent_by), "staff"


def day_start(tz: ZoneInfo) -> datetime:
    return datetime.combine(datetime.now(tz).date(), time.min, tzinfo=tz).astimezone(UTC)


async def metrics(session: AsyncSession, tz: ZoneInfo) -> dict[str, object]:
    since = day_start(tz)
    today = await session.scalar(
        select(func.count())
        .select_from(InboxMessage)
        .where(InboxMessage.direction == "incoming", InboxMessage.sent_at >= since)
    )
    # A message waiting for approval has two decision rows (before and after): count its latest.
    latest: dict[int, str] = {}
    for message_id, decision in await session.execute(
        select(InboxAiDecision.message_id, InboxAiDecision.decision)
        .where(InboxAiDecision.created_at >= since)
        .order_by(InboxAiDecision.id)
    ):
        latest[message_id] = decision
    triaged = len(latest)
    auto = sum(1 for d in latest.values() if d == "auto_reply")
    average, rated = await inbox_store.rating_average(session)
    base = await inbox_store.metrics(session)
    return {
        "today": int(today or 0),
        "triaged": triaged,
        "auto": auto,
        "auto_pct": auto / triaged if triaged else None,
        "escalated": sum(1 for d in latest.values() if d == "escalate"),
        "pending": len(await pending_inbox_approvals(session)),
        "rating_average": average,
        "rated": rated,
        "unread": base["unread"],
        "requires_response": base["requires_response"],
    }


@dataclass
class AssistantEvaluation:
    """How the assistant that answers members now did on the labelled evaluation set (inbox/eval/)."""

    assistant: str
    whole: Report | None  # the whole set; None: never evaluated here
    held_out: Report | None
    source: str  # where the figures come from


async def assistant_evaluation(session: AsyncSession, settings: Settings) -> AssistantEvaluation:
    """Claude: the last run stored by bench.triage_eval (it costs tokens); offline: computed here, once."""
    if settings.llm.enabled:
        stored = await control.inbox_evaluation(session, "claude") or {}
        reports = {split: Report.from_json(data) for split, data in stored.items()}
        whole = reports.get("all")
        source = f"last run {whole.ran_at[:16].replace('T', ' ')} UTC" if whole else "never run here"
        return AssistantEvaluation(f"Claude ({settings.llm.model})", whole, reports.get("held_out"), source)
    reports = await evaluation.offline_reports()
    return AssistantEvaluation(LABEL, reports["all"], reports["held_out"], "computed by this server")
