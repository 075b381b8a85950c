"""The command center's controls and counts, for the JSON API and the pages alike:
kill switch, daily LLM budget, metrics, the suppression list. Explicit arguments,
no Request, so an HTML route asks this module instead of calling a JSON route."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from temporalio.client import Client

from api.deps import NoBool
from db import agent_runs_store, control, suppression
from db.engine import Database
from db.models import Approval, OutboxEntry
from journeys.holds import release_held
from rules.contacts import contact_problem


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


class KillSwitchState(BaseModel):
    """As stored: on, by whom, and (once set) the reason and when (ISO 8601 text)."""

    model_config = ConfigDict(extra="allow")  # reason, at: absent until the switch is first set
    on: bool
    by: str | None


class ControlOut(BaseModel):
    kill_switch: KillSwitchState
    daily_budget_usd: float | None
    spent_today_usd: float


class KillSwitchOut(BaseModel):
    on: bool


class BudgetOut(BaseModel):
    daily_budget_usd: float | None


class JobCounts(BaseModel):
    running: int
    waiting_approval: int


class MetricsOut(BaseModel):
    jobs: JobCounts
    outbox: dict[str, int] = Field(description="outbox entries per state")
    runs: dict[str, int] = Field(description="agent runs per status")
    approvals: dict[str, int] = Field(description="approvals per status")


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str | None
    at: str


class SuppressionOut(BaseModel):
    id: int
    contact: str
    channel: str
    member_id: str | None
    reason: str
    source: str = Field(description="admin / stop_reply / bounce")
    created_by: str
    created_at: str


class SuppressionAdded(BaseModel):
    created: bool = Field(description="false: it was already on the list")
    contact: str = Field(description="as stored: a normalised phone number or email")
    channel: str


class SuppressionDeleted(BaseModel):
    deleted: int


async def get_control(db: Database) -> dict[str, Any]:
    async with db.session() as session:
        return {
            "kill_switch": await control.kill_switch(session),
            "daily_budget_usd": await control.daily_budget(session),
            "spent_today_usd": await control.spent_today(session),
        }


def kill_state(value: dict[str, Any]) -> dict[str, Any]:
    """The kill switch as control.kill_switch gives it, its time parsed (it is stored as ISO text), for the pages."""
    at = value.get("at")
    return {**value, "at": datetime.fromisoformat(at) if isinstance(at, str) else None}


async def set_kill_switch(db: Database, client: Client, body: KillSwitchBody, by: str) -> None:
    async with db.transaction() as session:
        await control.set_kill_switch(session, body.on, by, body.reason)
    if not body.on:  # the journeys it held wait for this signal to send again
        await release_held(client, db)


async def set_budget(db: Database, body: BudgetBody, by: str) -> None:
    async with db.transaction() as session:
        await control.set_daily_budget(session, body.usd, by)


async def metrics(db: Database) -> dict[str, Any]:
    async with db.session() as session:
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


async def pending_approvals(db: Database) -> int:
    """Pending approvals across every workflow kind (the nav badge, the overview)."""
    return int((await metrics(db))["approvals"].get("pending", 0))


async def add_suppression(db: Database, body: SuppressionBody, by: str) -> dict[str, Any]:
    async with db.transaction() as session:
        created = await suppression.add(
            session,
            contact=body.contact,
            channel=body.channel,
            reason=body.reason,
            source="admin",
            by=by,
            member_id=body.member_id,
        )
    return {"created": created, "contact": suppression.normalise(body.contact), "channel": body.channel}


async def remove_suppression(db: Database, suppression_id: int) -> None:
    async with db.transaction() as session:
        if not await suppression.remove(session, suppression_id):
            raise HTTPException(404, "no such entry")
