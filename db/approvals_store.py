"""The cross-workflow approvals queue (what dashboards and the CLI list)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import Approval, Notification
from db.upsert import insert_ignore


class ApprovalIdConflict(Exception):
    """An approval id already recorded for a different request: never overwritten, never silently dropped."""


_SAME_REQUEST = ("workflow_id", "workflow_kind", "action", "title")


async def add(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Records a request; True when new. The same request again (a retried activity) is a no-op; another request
    with the same id raises ApprovalIdConflict (its decisions would reach the wrong workflow)."""
    created = await insert_ignore(session, Approval, values, ["id"])
    if created:
        live.publish(session, "approval", values["id"], {"status": "pending", "workflow_id": values["workflow_id"]})
        return True
    existing = await session.get(Approval, values["id"])
    if existing is not None and any(getattr(existing, k) != values.get(k) for k in _SAME_REQUEST):
        raise ApprovalIdConflict(
            f"approval id {values['id']!r} is already recorded for {existing.workflow_id} ({existing.action}); "
            f"refusing the request of {values['workflow_id']} ({values.get('action')})"
        )
    return False


async def resolve(session: AsyncSession, approval_id: str, values: dict[str, Any]) -> None:
    await session.execute(update(Approval).where(Approval.id == approval_id).values(**values))
    live.publish(session, "approval", approval_id, {"status": values["status"]})


async def get(session: AsyncSession, approval_id: str) -> Approval | None:
    return await session.get(Approval, approval_id)


async def listing(session: AsyncSession, status: str | None = "pending", limit: int = 100) -> list[Approval]:
    q = select(Approval).order_by(Approval.requested_at.desc()).limit(limit)
    if status:
        q = q.where(Approval.status == status)
    return list(await session.scalars(q))


async def notify(session: AsyncSession, *, ref: str, kind: str, title: str, body: str, link: str | None) -> None:
    if await insert_ignore(
        session, Notification, {"ref": ref, "kind": kind, "title": title, "body": body, "link": link}, ["ref"]
    ):
        live.publish(session, "notification", ref, {"title": title, "link": link})


async def recent_notifications(session: AsyncSession, limit: int = 20) -> list[Notification]:
    return list(await session.scalars(select(Notification).order_by(Notification.id.desc()).limit(limit)))


async def pending_for_workflow(session: AsyncSession, workflow_id: str) -> list[Approval]:
    """A workflow's requests still waiting for a decision (a renewal asks its CSM about them before closing)."""
    q = select(Approval).where(Approval.workflow_id == workflow_id, Approval.status == "pending")
    return list(await session.scalars(q.order_by(Approval.requested_at)))
