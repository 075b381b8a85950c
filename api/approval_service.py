"""Deciding an approval, for the JSON API, the approval pages and the inbox's
drafts alike: the decision goes to the workflow that asked (a Temporal update
whose validator has the last word). Explicit arguments, no Request."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, Field
from temporalio.client import Client

from api import agent_service, idempotency
from api.idempotency import RequestIdField
from contracts.actors import Actor
from contracts.approvals import ApprovalDecision
from db import approvals_store
from db.engine import Database
from db.models import Approval
from rules.approvals import check_edits


class DecisionBody(BaseModel):
    approve: bool
    item_ids: list[str] | None = Field(None, max_length=5000, description="a subset to approve; omit for all")
    reason: str = Field("", max_length=1000)
    edits: dict[str, str] | None = None
    request_id: RequestIdField = None


class ApprovalOut(BaseModel):
    """One approval as the JSON API shows it (times are ISO 8601 text, as stored)."""

    id: str
    workflow_id: str
    workflow_kind: str = Field(description="campaign / renewal / inbox / nurture / schedule")
    action: str
    title: str
    summary: str
    reason: str = Field(description="why policy asked for approval")
    items: list[Any] = Field(description='[{"id", "label", "detail"}]')
    editable: dict[str, Any] | None = Field(description='what may be edited before approving, e.g. {"body": ...}')
    status: str
    requested_at: str
    expires_at: str
    decided_by: str | None
    decided_at: str | None
    decision: dict[str, Any] | None = Field(description="approved ids, reason, edits")


def approval_json(a: Approval) -> dict[str, Any]:
    return {
        "id": a.id,
        "workflow_id": a.workflow_id,
        "workflow_kind": a.workflow_kind,
        "action": a.action,
        "title": a.title,
        "summary": a.summary,
        "reason": a.reason,
        "items": a.items,
        "editable": a.editable,
        "status": a.status,
        "requested_at": a.requested_at.isoformat(),
        "expires_at": a.expires_at.isoformat(),
        "decided_by": a.decided_by,
        "decided_at": a.decided_at.isoformat() if a.decided_at else None,
        "decision": a.decision,
    }


async def get_approval(db: Database, approval_id: str) -> Approval:
    async with db.session() as session:
        approval = await approvals_store.get(session, approval_id)
    if approval is None:
        raise HTTPException(404, f"no approval {approval_id!r}")
    return approval


async def decide(
    client: Client, approval: Approval, body: DecisionBody, actor: Actor, idempotency_key: str | None = None
) -> dict[str, Any]:
    """The outcome as JSON; a decision the workflow refuses is a 409 with its reason. With a request id (the
    body's or the Idempotency-Key header's) a repeated request gets the first one's outcome (its update id).
    A blank or unchanged edit is a 422, never sent as the original draft."""
    if body.approve:
        try:
            check_edits(approval.editable, body.edits)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
    decision = ApprovalDecision(
        approval_id=approval.id,
        actor=actor,
        approve=body.approve,
        item_ids=body.item_ids,
        reason=body.reason,
        edits=body.edits,
    )
    try:
        rid = idempotency.request_id(body.request_id, idempotency_key)
        update_id = f"decide-{approval.id}-{rid}" if rid else None
        outcome = await agent_service.decide(client, approval.workflow_id, decision, update_id)
    except agent_service.DecisionRejected as exc:
        raise HTTPException(409, str(exc)) from exc
    return outcome.model_dump(mode="json")
