"""One approvals queue across every workflow kind; decisions go to the workflow
that asked (a Temporal update whose validator has the last word)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from api import approval_service
from api.approval_service import ApprovalOut, DecisionBody, approval_json  # DecisionBody: shared with the pages
from api.auth import Manager, SignedIn
from api.deps import DbDep, TemporalGetterDep
from api.idempotency import IdempotencyHeader
from contracts.approvals import ApprovalOutcome
from db import approvals_store

router = APIRouter(prefix="/api/approvals", tags=["approvals"])


@router.get("", response_model=list[ApprovalOut])
async def list_approvals(
    db: DbDep,
    _user: SignedIn,
    status: str | None = Query("pending", max_length=30),
    limit: int = Query(100, ge=1, le=500),
) -> list[dict[str, Any]]:
    async with db.session() as session:
        rows = await approvals_store.listing(session, None if status == "all" else status, limit)
    return [approval_json(a) for a in rows]


@router.get("/{approval_id}", response_model=ApprovalOut)
async def get_approval(approval_id: str, db: DbDep, _user: SignedIn) -> dict[str, Any]:
    return approval_json(await approval_service.get_approval(db, approval_id))


@router.post("/{approval_id}/decide", response_model=ApprovalOutcome)
async def decide_route(
    approval_id: str,
    body: DecisionBody,
    user: Manager,
    db: DbDep,
    temporal: TemporalGetterDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    approval = await approval_service.get_approval(db, approval_id)
    return await approval_service.decide(await temporal(), approval, body, user.actor, idempotency_key)
