"""Command center data: controls (kill switch, budget), counts, the suppression list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import control_service, retries
from api.auth import Manager, SignedIn, Viewer
from api.control_service import BudgetBody, KillSwitchBody, SuppressionBody  # the request bodies
from api.deps import DbDep, DbId, SettingsDep, TemporalDep
from db import approvals_store, suppression

router = APIRouter(tags=["control"])


@router.get("/api/control", response_model=control_service.ControlOut)
async def get_control(db: DbDep, _user: SignedIn) -> dict[str, Any]:
    return await control_service.get_control(db)


@router.post("/api/control/kill-switch", response_model=control_service.KillSwitchOut)
async def kill_switch(body: KillSwitchBody, user: Manager, db: DbDep, client: TemporalDep) -> dict[str, Any]:
    await control_service.set_kill_switch(db, client, body, user.email)
    return {"on": body.on}


class SignalRetryOut(BaseModel):
    retry_event_id: str = Field(description="the retry's own event id; the failure resolves when it is analysed")


@router.post("/api/signals/{event_id}/retry", status_code=202, response_model=SignalRetryOut)
async def retry_signal(
    event_id: str,
    body: retries.RetrySignalBody,
    user: Manager,
    db: DbDep,
    client: TemporalDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Sends a risk signal that failed for good (its data fixed since) to its customer's workflow again."""
    new_id = await retries.retry_signal(db, client, settings, event_id, body.request_id, user.email)
    return {"retry_event_id": new_id}


@router.post("/api/control/budget", response_model=control_service.BudgetOut)
async def budget(body: BudgetBody, user: Manager, db: DbDep) -> dict[str, Any]:
    await control_service.set_budget(db, body, user.email)
    return {"daily_budget_usd": body.usd}


@router.get("/api/metrics", response_model=control_service.MetricsOut)
async def metrics(db: DbDep, _user: SignedIn) -> dict[str, Any]:
    return await control_service.metrics(db)


@router.get("/api/notifications", response_model=list[control_service.NotificationOut])
async def notifications(db: DbDep, _user: SignedIn) -> list[dict[str, Any]]:
    async with db.session() as session:
        rows = await approvals_store.recent_notifications(session)
    return [
        {
            "id": n.id,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "link": n.link,
            "at": n.created_at.isoformat(),
        }
        for n in rows
    ]


@router.get("/admin/suppression", response_model=list[control_service.SuppressionOut])
async def list_suppression(_user: Viewer, db: DbDep) -> list[dict[str, Any]]:
    async with db.session() as session:
        rows = await suppression.listing(session)
    return [
        {
            "id": r.id,
            "contact": r.contact,
            "channel": r.channel,
            "member_id": r.member_id,
            "reason": r.reason,
            "source": r.source,
            "created_by": r.created_by,
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]


@router.post("/admin/suppression", status_code=201, response_model=control_service.SuppressionAdded)
async def add_suppression(body: SuppressionBody, user: Manager, db: DbDep) -> dict[str, Any]:
    return await control_service.add_suppression(db, body, user.email)


@router.delete("/admin/suppression/{suppression_id}", response_model=control_service.SuppressionDeleted)
async def delete_suppression(suppression_id: DbId, _user: Manager, db: DbDep) -> dict[str, Any]:
    await control_service.remove_suppression(db, suppression_id)
    return {"deleted": suppression_id}
