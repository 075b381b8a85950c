"""Triage of one member message (`triage-<ClubOS message id>`): classify (the risk
screen applied in code, whoever classified), decide by the rules in rules.triage,
reply in the club's voice through the outbox, and log every decision with its
reason. Sensitive requests wait for a manager; urgent flags alert managers at once;
an automatic reply goes out only if it answers what was asked."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.approvals import ApprovalActivities
    from activities.inbox import InboxActivities
    from contracts import names
    from contracts.approvals import ApprovalItem, ApprovalOutcome, ApprovalRequest, ManagerAlert
    from contracts.inbox import (
        Classification,
        ClassifyRequest,
        Draft,
        DraftRequest,
        ReplyRequest,
        TriageContext,
        TriageInput,
        TriageRecord,
    )
    from inbox.keywords import is_opt_in, is_opt_out
    from rules.risk import describe
    from rules.triage import check_reply, decide
    from workflows import retry_policies
    from workflows.approval_gate import ApprovalGate, DecidesApprovals, new_approval_id

# Issue 14, for executions started before it: alert managers on urgent flags, and send an automatic reply only
# if it answers what was asked (older executions replay without either).
RISK_ALERTS = "risk-alerts"
REPLY_CHECK = "reply-answers-question"
HANDLERS_DONE = "wait-for-decision-handlers"
# Issue 11: START / UNSTOP lift the channel's suppression and confirm once (before, they were escalated).
OPT_IN = "opt-in-keywords"


@workflow.defn(name=names.MESSAGE_TRIAGE)
class MessageTriageWorkflow(DecidesApprovals):
    def __init__(self) -> None:
        self.gate = ApprovalGate()

    @workflow.run
    async def run(self, inp: TriageInput) -> str:
        ctx: TriageContext = await workflow.execute_activity_method(
            InboxActivities.load_triage_context,
            inp.message_id,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.EXTERNAL,
        )
        if is_opt_in(ctx.body) and workflow.patched(OPT_IN):
            return await self._opt_in(ctx)
        if is_opt_out(ctx.body):
            cls = Classification(category="opt_out", confidence=1.0, source="opt-out keyword")
        elif ctx.mode == "off":
            cls = Classification(category="other", confidence=0.0, source="AI off")
        else:
            cls = await self._classify(ctx)
        past_due = bool(ctx.member and ctx.member.amount_past_due > 0)
        decision = decide(
            cls.category,
            cls.confidence,
            ctx.mode,
            member_past_due=past_due,
            staff_handling=not ctx.ai_handling,
            flags=cls.flags,
        )
        record = TriageRecord(
            message_id=ctx.message_id,
            classification=cls,
            decision=decision.action,
            reason=decision.reason,
            mode=ctx.mode,
            requires_response=True,
        )
        if cls.urgent and decision.action != "opt_out" and workflow.patched(RISK_ALERTS):
            await self._alert(ctx, cls)
        if decision.action == "opt_out":
            await self._opt_out(ctx)
            record.requires_response = False
        elif decision.action in ("suggest", "approval", "auto_reply"):
            record.draft = await self._draft(ctx, cls)
            if decision.action == "auto_reply" and workflow.patched(REPLY_CHECK):
                decision = check_reply(decision, cls.asked(), record.draft.answers, record.draft.hand_off)
                record.decision, record.reason = decision.action, decision.reason
            if decision.action == "auto_reply":
                sent = await self._send(ctx, record.draft.body)
                record.requires_response = sent != "sent" or record.draft.follow_up
            elif decision.action == "approval":
                await self._record(record)  # staff see the pending draft while the manager decides
                ttl = timedelta(seconds=inp.approval_ttl_s)
                outcome = await self._ask(ctx, cls, record.draft, decision.reason, ttl)
                record.approval_id = outcome.approval_id
                if outcome.approved:
                    body = (outcome.edits or {}).get("body", record.draft.body)
                    record.requires_response = await self._send(ctx, body) != "sent"
                    record.reason += f"; approved by {outcome.decided_by}"
                else:
                    record.reason += f"; {outcome.summary()}"
        self.gate.closed = True
        await self._record(record)
        if workflow.patched(HANDLERS_DONE):
            # A manager's decision recorded by the update handler must finish before the workflow does, or the
            # manager is told "already completed" about a decision that was applied.
            await workflow.wait_condition(workflow.all_handlers_finished)
        return record.decision

    # The model, or the offline assistant once the model's retries are spent (and the record says so).

    async def _classify(self, ctx: TriageContext) -> Classification:
        req = ClassifyRequest(context=ctx)
        try:
            return await workflow.execute_activity_method(
                InboxActivities.classify_message,
                req,
                start_to_close_timeout=retry_policies.LLM_TIMEOUT,
                retry_policy=retry_policies.LLM,
            )
        except ActivityError as err:
            req.offline_reason = str(err.cause or err)
            return await workflow.execute_activity_method(
                InboxActivities.classify_message,
                req,
                start_to_close_timeout=retry_policies.SHORT,
                retry_policy=retry_policies.EXTERNAL,
            )

    async def _draft(self, ctx: TriageContext, cls: Classification) -> Draft:
        req = DraftRequest(context=ctx, classification=cls)
        try:
            return await workflow.execute_activity_method(
                InboxActivities.draft_reply,
                req,
                start_to_close_timeout=retry_policies.LLM_TIMEOUT,
                retry_policy=retry_policies.LLM,
            )
        except ActivityError as err:
            req.offline_reason = str(err.cause or err)
            return await workflow.execute_activity_method(
                InboxActivities.draft_reply,
                req,
                start_to_close_timeout=retry_policies.SHORT,
                retry_policy=retry_policies.EXTERNAL,
            )

    async def _send(
        self, ctx: TriageContext, body: str, *, opt_out_confirmation: bool = False, suffix: str | None = None
    ) -> str:
        suffix = suffix or ("opt-out" if opt_out_confirmation else "reply")
        result = await workflow.execute_activity_method(
            InboxActivities.send_reply,
            ReplyRequest(
                message_id=ctx.message_id,
                body=body,
                sent_by="ai",
                key=f"triage:{ctx.clubos_message_id}:{suffix}",
                opt_out_confirmation=opt_out_confirmation,
            ),
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.EXTERNAL,
        )
        return result.state

    async def _opt_out(self, ctx: TriageContext) -> None:
        await workflow.execute_activity_method(
            InboxActivities.suppress_member,
            ctx,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
        await self._send(
            ctx,
            f"You're unsubscribed from {ctx.channel.upper()} messages from the club and won't get "
            "any more. Reply START to opt back in.",
            opt_out_confirmation=True,
        )

    async def _opt_in(self, ctx: TriageContext) -> str:
        """The member opts back in on the channel they wrote on: one confirmation when a suppression was lifted,
        none when there was nothing to lift (a second START is not answered again)."""
        lifted = await workflow.execute_activity_method(
            InboxActivities.resubscribe_member,
            ctx,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
        channel = "email" if ctx.channel == "email" else "SMS"
        reason = f"the member opted back in to {channel} messages"
        if lifted:
            body = f"You're subscribed again to {channel} messages from the club. Reply STOP to opt out at any time."
            sent = await self._send(ctx, body, suffix="opt-in")
            reason += "; confirmed" if sent == "sent" else f"; the confirmation was not sent ({sent})"
        else:
            reason += "; they were not opted out, so nothing changed"
        record = TriageRecord(
            message_id=ctx.message_id,
            classification=Classification(category="other", confidence=1.0, source="opt-in keyword"),
            decision="opt_in",
            reason=reason,
            mode=ctx.mode,
            requires_response=False,
        )
        self.gate.closed = True
        await self._record(record)
        return record.decision

    async def _ask(
        self, ctx: TriageContext, cls: Classification, draft: Draft, reason: str, ttl: timedelta
    ) -> ApprovalOutcome:
        now = workflow.now()
        topic = cls.category.replace("_", " ")
        return await self.gate.ask(
            ApprovalRequest(
                id=new_approval_id(),
                workflow_id=workflow.info().workflow_id,
                workflow_kind="inbox",
                action=f"reply_{cls.category}",
                title=f"Send this reply to {ctx.member_name} about a {topic}?",
                summary=f"{ctx.member_name} wrote: “{ctx.body[:200]}”",
                reason=reason,
                items=[ApprovalItem(id="reply", label=draft.body[:300], detail=f"drafted by {draft.source}")],
                editable={"body": draft.body},
                requested_at=now,
                expires_at=now + ttl,
            )
        )

    async def _alert(self, ctx: TriageContext, cls: Classification) -> None:
        """Urgent flags (injury, medical, threat) reach managers now, not when someone opens the inbox."""
        await workflow.execute_activity_method(
            ApprovalActivities.alert_managers,
            ManagerAlert(
                ref=f"alert:{workflow.info().workflow_id}",
                workflow_id=workflow.info().workflow_id,
                title=f"{ctx.member_name} reports {describe(cls.urgent)}",
                body=f"“{ctx.body[:280]}” Flagged: {describe(cls.flags)}. Not answered by the AI: a person must "
                "handle it.",
                link=f"/inbox?c={quote(ctx.conversation_id)}",
            ),
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )

    async def _record(self, record: TriageRecord) -> None:
        await workflow.execute_activity_method(
            InboxActivities.record_triage,
            record,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
