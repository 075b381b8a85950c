"""One approvals queue across every workflow kind; decisions go to the workflow
that asked (a Temporal update whose validator has the last word)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from api import agent_service
from api.auth import CurrentUser, current_user, require_role
from api.deps import get_db, get_temporal
from contracts.approvals import ApprovalDecision
from db import approvals_store
from db.models import Approval
from rules.approvals import check_edits

router = APIRouter(prefix="/api/approvals", tags=["approvals"])


class DecisionBody(BaseModel):
    approve: bool
    item_ids: list[str] | None = Field(None, max_length=5000, description="a subset to approve; omit for all")
    reason: str = Field("", max_length=1000)
    edits: dict[str, str] | None = None


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


@router.get("")
async def list_approvals(
    request: Request,
    status: str | None = Query("pending", max_length=30),
    limit: int = Query(100, ge=1, le=500),
    _user: CurrentUser = Depends(current_user),
) -> list[dict[str, Any]]:
    async with get_db(request).session() as session:
        rows = await approvals_store.listing(session, None if status == "all" else status, limit)
    return [approval_json(a) for a in rows]


@router.get("/{approval_id}")
async def get_approval(
    request: Request, approval_id: str, _user: CurrentUser = Depends(current_user)
) -> dict[str, Any]:
    async with get_db(request).session() as session:
        approval = await approvals_store.get(session, approval_id)
    if approval is None:
        raise HTTPException(404, f"no approval {approval_id!r}")
    return approval_json(approval)


async def decide(request: Request, approval_id: str, body: DecisionBody, user: CurrentUser) -> dict[str, Any]:
    async with get_db(request).session() as session:
        approval = await approvals_store.get(session, approval_id)
    if approval is None:
        raise HTTPException(404, f"no approval {approval_id!r}")
    if body.approve:
        try:
            check_edits(approval.editable, body.edits)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
    decision = ApprovalDecision(
        approval_id=approval_id,
        actor=user.actor,
        approve=body.approve,
        item_ids=body.item_ids,
        reason=body.reason,
        edits=body.edits,
    )
    try:
        outcome = await agent_service.decide(await get_temporal(request), approval.workflow_id, decision)
    except agent_service.DecisionRejected as exc:
        raise HTTPException(409, str(exc)) from exc
    return outcome.model_dump(mode="json")


@router.post("/{approval_id}/decide")
async def decide_route(
    request: Request,
    approval_id: str,
    body: DecisionBody,
    user: CurrentUser = Depends(require_role("manager")),
) -> dict[str, Any]:
    return await decide(request, approval_id, body, user)
