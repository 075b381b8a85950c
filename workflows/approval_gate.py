"""Approvals inside a workflow: ask, wait (with expiry), decide.

Workflow code. A workflow keeps one gate and inherits `DecidesApprovals`, which
exposes the `decide_approval` update: its validator calls `gate.validate` and its
handler `apply_decision` (by default `gate.decide`; a workflow that acts on a
decision overrides `apply_decision`).
An expired request resolves to the safe default: nothing is done. Deciding is
idempotent: the same decision again (a double click, a retried POST) gets the
recorded outcome back instead of an error.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.approvals import ApprovalActivities
    from contracts import names
    from contracts.approvals import ApprovalDecision, ApprovalOutcome, ApprovalRequest
    from rules.approvals import decision_outcome, expired_outcome, withdrawn_outcome
    from workflows import retry_policies
    from workflows.actor_check import MANAGER, verify_actor

# Running executions decided before this existed replay the old answer (an error) for a repeated decision.
REPEATED_DECISION = "approval-decision-repeat"
# Requests opened before this keep the 8-hex-digit id they were recorded with; new ones carry all 128 bits.
FULL_ENTROPY_ID = "approval-id-full-entropy"


def new_approval_id() -> str:
    """A fresh approval id: `apr-` and a whole (deterministic) uuid4, so ids never collide across workflows."""
    uid = workflow.uuid4()
    return f"apr-{uid.hex}" if workflow.patched(FULL_ENTROPY_ID) else f"apr-{uid.hex[:8]}"


class ApprovalGate:
    def __init__(self) -> None:
        self.requests: dict[str, ApprovalRequest] = {}
        self.outcomes: dict[str, ApprovalOutcome] = {}
        # Set when the workflow is about to finish: a decision accepted now could not be answered before it does.
        self.closed = False

    def pending(self) -> list[ApprovalRequest]:
        return [r for r in self.requests.values() if r.id not in self.outcomes]

    def repeats(self, d: ApprovalDecision) -> bool:
        """Whether `d` is the decision already recorded (same manager, same choice, same edits)."""
        req, recorded = self.requests.get(d.approval_id), self.outcomes.get(d.approval_id)
        if req is None or recorded is None or recorded.status == "expired":
            return False
        try:
            again = decision_outcome(req, d, recorded.decided_at)
        except ValueError:
            return False
        return again.model_dump(exclude={"decided_at"}) == recorded.model_dump(exclude={"decided_at"})

    def validate(self, d: ApprovalDecision) -> ApprovalOutcome:
        if self.closed:
            raise ValueError("the workflow that asked for this approval has finished")
        if self.repeats(d):
            return self.outcomes[d.approval_id]
        return self._check(d)

    def _check(self, d: ApprovalDecision) -> ApprovalOutcome:
        req = self.requests.get(d.approval_id)
        if req is None:
            raise ValueError(f"unknown approval request {d.approval_id!r}")
        if d.approval_id in self.outcomes:
            raise ValueError(f"already decided: {self.outcomes[d.approval_id].status}")
        return decision_outcome(req, d, workflow.now())

    async def decide(self, d: ApprovalDecision) -> ApprovalOutcome:
        if self.repeats(d) and workflow.patched(REPEATED_DECISION):
            return self.outcomes[d.approval_id]
        await verify_actor(d.actor, MANAGER)  # the payload's "manager" is only a claim
        outcome = self._check(d)  # again: another update may have decided it meanwhile
        self.outcomes[d.approval_id] = outcome
        await _record_outcome(outcome)
        return outcome

    async def open(self, req: ApprovalRequest) -> None:
        """Record the request and tell managers; the decision arrives later by `decide`."""
        self.requests[req.id] = req
        await workflow.execute_activity_method(
            ApprovalActivities.record_request,
            req,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )

    def next_expiry(self) -> datetime | None:
        return min((r.expires_at for r in self.pending()), default=None)

    async def expire(self, *, all_pending: bool = False) -> list[ApprovalOutcome]:
        """Resolve requests past their expiry (or every open one) to the safe default."""
        now, expired = workflow.now(), []
        for req in self.pending():
            if all_pending or now >= req.expires_at:
                self.outcomes[req.id] = expired_outcome(req, now)
                await _record_outcome(self.outcomes[req.id])
                expired.append(self.outcomes[req.id])
        return expired

    async def withdraw(self, reason: str) -> list[ApprovalOutcome]:
        """Resolve every open request as withdrawn (nothing is done), saying why."""
        now, withdrawn = workflow.now(), []
        for req in self.pending():
            self.outcomes[req.id] = withdrawn_outcome(req, now, reason)
            await _record_outcome(self.outcomes[req.id])
            withdrawn.append(self.outcomes[req.id])
        return withdrawn

    async def ask(self, req: ApprovalRequest) -> ApprovalOutcome:
        """Open a request and wait for its decision or its expiry."""
        await self.open(req)
        try:
            wait = max(req.expires_at - workflow.now(), timedelta(seconds=1))
            await workflow.wait_condition(lambda: req.id in self.outcomes, timeout=wait)
        except TimeoutError:
            if req.id not in self.outcomes:
                self.outcomes[req.id] = expired_outcome(req, workflow.now())
                await _record_outcome(self.outcomes[req.id])
        return self.outcomes[req.id]


class DecidesApprovals:
    """The `decide_approval` update, once for every workflow that takes decisions (a mixin for the workflow class).

    The workflow sets `self.gate`; the update name stays `names.DECIDE_APPROVAL`, which the API and scripts use."""

    gate: ApprovalGate

    @workflow.update(name=names.DECIDE_APPROVAL)
    async def decide_approval(self, decision: ApprovalDecision) -> ApprovalOutcome:
        return await self.apply_decision(decision)

    @decide_approval.validator
    def _check_decision(self, decision: ApprovalDecision) -> None:
        self.gate.validate(decision)

    async def apply_decision(self, decision: ApprovalDecision) -> ApprovalOutcome:
        """Record the decision; the workflow waiting in `gate.ask` sees it. Override to act on it at once."""
        try:
            return await self.gate.decide(decision)
        except ValueError as err:
            raise ApplicationError(str(err), type="InvalidDecision", non_retryable=True) from err


async def _record_outcome(outcome: ApprovalOutcome) -> None:
    await workflow.execute_activity_method(
        ApprovalActivities.record_outcome,
        outcome,
        start_to_close_timeout=retry_policies.SHORT,
        retry_policy=retry_policies.INTERNAL,
    )
