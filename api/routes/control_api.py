"""Command center data: controls (kill switch, budget), counts, the suppression list."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select

from api.auth import CurrentUser, current_user, require_role
from api.deps import DbId, NoBool, get_db
from db import agent_runs_store, approvals_store, control, suppression
from db.models import Approval, OutboxEntry
from rules.contacts import contact_problem

router = APIRouter(tags=["control"])
manager = require_role("manager")


class KillSwitchBody(BaseModel):
    on: bool
    reason: str = Field("", max_length=300)


class BudgetBody(BaseModel):
    usd: Annotated[float | None, NoBool] = Field(
        None, ge=0, le=100_000, description="daily LLM budget; null removes it"
    )


class SuppressionBody(BaseModel):
    contact: str = Field(min_length=3, max_length=200, description="phone number or email")
    channel: Literal["sms", "email", "all"] = "all"
    reason: str = Field("added by staff", max_length=300)
    member_id: str | None = Field(None, max_length=40)

    @model_validator(mode="after")
    def _valid_contact(self) -> SuppressionBody:
        if (problem := contact_problem(self.contact, self.channel)) is not None:
            raise ValueError(problem)
        return self


@router.get("/api/control")
async def get_control(request: Request, _user: CurrentUser = Depends(current_user)) -> dict[str, Any]:
    async with get_db(request).session() as session:
        return {
            "kill_switch": await control.kill_switch(session),
            "daily_budget_usd": await control.daily_budget(session),
            "spent_today_usd": await control.spent_today(session),
        }


@router.post("/api/control/kill-switch")
async def kill_switch(request: Request, body: KillSwitchBody, user: CurrentUser = Depends(manager)) -> dict[str, Any]:
    async with get_db(request).transaction() as session:
        await control.set_kill_switch(session, body.on, user.email, body.reason)
    return {"on": body.on}


@router.post("/api/control/budget")
async def budget(request: Request, body: BudgetBody, user: CurrentUser = Depends(manager)) -> dict[str, Any]:
    async with get_db(request).transaction() as session:
        await control.set_daily_budget(session, body.usd, user.email)
    return {"daily_budget_usd": body.usd}


@router.get("/api/metrics")
async def metrics(request: Request, _user: CurrentUser = Depends(current_user)) -> dict[str, Any]:
    async with get_db(request).session() as session:
        outbox = dict(
            (await session.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state))).all()
        )
        approvals = dict((await session.execute(select(Approval.status, func.count()).group_by(Approval.status))).all())
        runs = await agent_runs_store.counts_by_status(session)
    return {
        "jobs": {"running": runs.get("running", 0), "waiting_approval": runs.get("waiting_approval", 0)},
        "outbox": {s: int(outbox.get(s, 0)) for s in ("queued", "approved", "sent", "rejected", "failed")},
        "runs": runs,
        "approvals": {k: int(v) for k, v in approvals.items()},
    }


@router.get("/api/notifications")
async def notifications(request: Request, _user: CurrentUser = Depends(current_user)) -> list[dict[str, Any]]:
    async with get_db(request).session() as session:
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


@router.get("/admin/suppression")
async def list_suppression(
    request: Request, _user: CurrentUser = Depends(require_role("manager", "operator"))
) -> list[dict[str, Any]]:
    async with get_db(request).session() as session:
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


@router.post("/admin/suppression", status_code=201)
async def add_suppression(
    request: Request, body: SuppressionBody, user: CurrentUser = Depends(manager)
) -> dict[str, Any]:
    async with get_db(request).transaction() as session:
        created = await suppression.add(
            session,
            contact=body.contact,
            channel=body.channel,
            reason=body.reason,
            source="admin",
            by=user.email,
            member_id=body.member_id,
        )
    return {"created": created, "contact": suppression.normalise(body.contact), "channel": body.channel}


@router.delete("/admin/suppression/{suppression_id}")
async def delete_suppression(
    request: Request, suppression_id: DbId, _user: CurrentUser = Depends(manager)
) -> dict[str, Any]:
    async with get_db(request).transaction() as session:
        if not await suppression.remove(session, suppression_id):
            raise HTTPException(404, "no such entry")
    return {"deleted": suppression_id}
