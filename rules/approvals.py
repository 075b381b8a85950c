"""Whether a manager's decision fits the approval request it answers, and what it resolves to.

Pure: the workflow passes in its own clock (`workflow.now()`).
"""

from __future__ import annotations

from datetime import datetime

from contracts.approvals import ApprovalDecision, ApprovalOutcome, ApprovalRequest


def decision_outcome(req: ApprovalRequest, d: ApprovalDecision, now: datetime) -> ApprovalOutcome:
    """Checks a decision against its request; ValueError says what is wrong."""
    if d.actor.role != "manager":
        raise ValueError("only a manager can decide approvals")
    if now >= req.expires_at:
        raise ValueError("the approval request has expired")
    if not d.approve:
        if not d.reason.strip():
            raise ValueError("a denial needs a reason")
        return ApprovalOutcome(
            approval_id=req.id, status="denied", decided_by=d.actor.email, decided_at=now, reason=d.reason
        )
    all_ids = list(req.item_ids) if req.items_ref else [i.id for i in req.items]
    chosen = all_ids if d.item_ids is None else d.item_ids
    unknown = sorted(set(chosen) - set(all_ids))
    if unknown:
        raise ValueError(f"not in this request: {', '.join(unknown[:5])}")
    if all_ids and not chosen:
        raise ValueError("approve at least one item, or deny the request")
    if d.edits:
        bad = sorted(set(d.edits) - set(req.editable or {}))
        if bad:
            raise ValueError(f"these fields cannot be edited: {', '.join(bad)}")
        if any(not v.strip() for v in d.edits.values()):
            raise ValueError("edited fields cannot be empty")
    partial = len(set(chosen)) < len(all_ids)
    ordered = [i for i in all_ids if i in set(chosen)]
    return ApprovalOutcome(
        approval_id=req.id,
        status="partially_approved" if partial else "approved",
        approved_ids=ordered,
        decided_by=d.actor.email,
        decided_at=now,
        reason=d.reason,
        edits=d.edits or None,
    )


def expired_outcome(req: ApprovalRequest, now: datetime) -> ApprovalOutcome:
    return ApprovalOutcome(approval_id=req.id, status="expired", decided_at=now)


def withdrawn_outcome(req: ApprovalRequest, now: datetime, reason: str) -> ApprovalOutcome:
    """The request no longer applies (e.g. its renewal was completed): not "expired", which says a manager ran
    out of time."""
    return ApprovalOutcome(approval_id=req.id, status="withdrawn", decided_at=now, reason=reason)


def check_edits(editable: dict[str, str] | None, edits: dict[str, str] | None) -> None:
    """ "Edit before send" must edit: a blank field, or edits that change nothing, are refused with a message
    (before, a blank body was sent as the original draft, labelled approved). Checked by the API, before the
    decision reaches the workflow."""
    if edits is None:
        return
    if not edits or any(not v.strip() for v in edits.values()):
        raise ValueError("The edited text is empty: write the message to send, or approve the draft as it is.")
    original = editable or {}
    if all(v.strip() == original.get(k, "").strip() for k, v in edits.items()):
        raise ValueError("Nothing was changed: edit the text, or approve the draft as it is.")
