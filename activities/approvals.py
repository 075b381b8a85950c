"""Recording approval requests and decisions, and telling managers (approvals and urgent alerts)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from clients.errors import activity_errors
from clients.notify import Smtp, post_slack, send_email
from contracts.approvals import ApprovalOutcome, ApprovalRequest, ManagerAlert
from core.settings import Settings
from db import agent_runs_store, approvals_store, outbox
from db.engine import Database
from db.models import User

log = logging.getLogger("renubu.approvals")


def _item(target: dict[str, Any]) -> dict[str, Any]:
    return {"id": target["id"], "label": target.get("label") or target["id"], "detail": target.get("detail") or ""}


NOTIFY_ATTEMPTS = 5


class ApprovalActivities:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings

    @activity.defn(name="record_approval_request")
    async def record_request(self, req: ApprovalRequest) -> None:
        link = f"/approvals/{req.id}"
        async with self.db.transaction() as session:
            items = [i.model_dump() for i in req.items]
            if req.items_ref:  # many items travel by reference: the queue gets them in full
                stored = {t["id"]: t for t in await agent_runs_store.targets(session, req.items_ref)}
                items = [_item(stored.get(i, {"id": i})) for i in req.item_ids]
            try:
                await approvals_store.add(
                    session, {**req.model_dump(exclude={"items", "item_ids", "items_ref"}), "items": items}
                )
            except approvals_store.ApprovalIdConflict as err:  # retrying cannot fix it: say so, loudly
                raise ApplicationError(str(err), type="ApprovalIdConflict", non_retryable=True) from err
            await approvals_store.notify(
                session,
                ref=f"approval:{req.id}",
                kind="approval",
                title=req.title,
                body=f"{req.reason}. {req.summary}".strip(),
                link=link,
            )
        text = (
            f"{req.title}\n{req.summary}\nWhy: {req.reason}\nExpires {req.expires_at:%Y-%m-%d %H:%M} UTC.\n"
            f"Decide: {self.settings.api.public_url}{link}"
        )
        await self._tell_managers(
            f"notify:{req.id}", req.workflow_id, f"Approval needed: {req.title}", text, f"<approval-{req.id}@renubu>"
        )

    @activity.defn(name="alert_managers")
    async def alert_managers(self, alert: ManagerAlert) -> None:
        """Something a manager must see now (an injury reported in the inbox): the dashboard notification,
        then email and Slack when configured, once per alert."""
        async with self.db.transaction() as session:
            await approvals_store.notify(
                session, ref=alert.ref, kind="alert", title=alert.title, body=alert.body, link=alert.link
            )
        text = f"{alert.title}\n{alert.body}\nOpen: {self.settings.api.public_url}{alert.link}"
        await self._tell_managers(alert.ref, alert.workflow_id, f"Urgent: {alert.title}", text, f"<{alert.ref}@renubu>")

    async def _tell_managers(self, key: str, workflow_id: str, subject: str, text: str, message_id: str) -> None:
        """Email and Slack through the outbox, once each (keys <key>:email, <key>:slack). A mail or Slack outage
        is retried a few times, then given up: the dashboard notification stands and nothing waits on it."""
        async with self.db.session() as session:
            managers = [
                u.email
                for u in await session.scalars(select(User).where(User.role == "manager", User.active.is_(True)))
            ]
        # (kind, target, payload, send)
        channels: list[tuple[str, str, dict[str, str], Callable[[], Awaitable[dict[str, str]]]]] = []
        if self.settings.notify.smtp_host and managers:
            channels.append(
                (
                    "email",
                    ", ".join(managers),
                    {"subject": subject},
                    lambda: self._email(managers, subject, text, message_id),
                )
            )
        if self.settings.notify.slack_webhook_url:
            channels.append(("slack", "slack", {"text": text}, lambda: self._slack(text)))
        for kind, target, payload, send in channels:
            outbox_key = f"{key}:{kind}"
            try:
                async with activity_errors():
                    await outbox.send_once(
                        self.db,
                        key=outbox_key,
                        kind=kind,
                        target=target,
                        payload=payload,
                        workflow_id=workflow_id,
                        send=send,
                    )
            except Exception as exc:
                if activity.info().attempt < NOTIFY_ATTEMPTS:
                    raise
                log.warning("%s: %s notification given up: %s", key, kind, exc)
                await outbox.set_state(self.db, outbox_key, "failed", error=str(exc)[:500])

    async def _email(self, to: list[str], subject: str, text: str, message_id: str) -> dict[str, str]:
        await send_email(Smtp.from_settings(self.settings), to, subject, text, message_id)
        return {"to": ", ".join(to)}

    async def _slack(self, text: str) -> dict[str, str]:
        await post_slack(self.settings.notify.slack_webhook_url, text)
        return {"posted": "ok"}

    @activity.defn(name="record_approval_outcome")
    async def record_outcome(self, outcome: ApprovalOutcome) -> None:
        async with self.db.transaction() as session:
            await approvals_store.resolve(
                session,
                outcome.approval_id,
                {
                    "status": outcome.status,
                    "decided_by": outcome.decided_by,
                    "decided_at": outcome.decided_at if outcome.decided_by else None,
                    "decision": outcome.model_dump(mode="json"),
                },
            )
