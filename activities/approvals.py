"""Recording approval requests and decisions, and telling managers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from temporalio import activity

from clients.errors import activity_errors
from clients.notify import Smtp, post_slack, send_email
from contracts.approvals import ApprovalOutcome, ApprovalRequest
from core.settings import Settings
from db import approvals_store, outbox
from db.engine import Database
from db.models import User

log = logging.getLogger("renubu.approvals")
NOTIFY_ATTEMPTS = 5


class ApprovalActivities:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings

    @activity.defn(name="record_approval_request")
    async def record_request(self, req: ApprovalRequest) -> None:
        link = f"/approvals/{req.id}"
        async with self.db.transaction() as session:
            await approvals_store.add(
                session, {**req.model_dump(exclude={"items"}), "items": [i.model_dump() for i in req.items]}
            )
            await approvals_store.notify(
                session,
                ref=f"approval:{req.id}",
                kind="approval",
                title=req.title,
                body=f"{req.reason}. {req.summary}".strip(),
                link=link,
            )
            managers = [
                u.email
                for u in await session.scalars(select(User).where(User.role == "manager", User.active.is_(True)))
            ]
        text = (
            f"{req.title}\n{req.summary}\nWhy: {req.reason}\nExpires {req.expires_at:%Y-%m-%d %H:%M} UTC.\n"
            f"Decide: {self.settings.public_url}{link}"
        )
        # (kind, target, payload, send); the outbox key is notify:<request>:<kind>
        channels: list[tuple[str, str, dict[str, str], Callable[[], Awaitable[dict[str, str]]]]] = []
        if self.settings.smtp_host and managers:
            channels.append(
                ("email", ", ".join(managers), {"subject": req.title}, lambda: self._email(managers, req, text))
            )
        if self.settings.slack_webhook_url:
            channels.append(("slack", "slack", {"text": text}, lambda: self._slack(text)))
        for kind, target, payload, send in channels:
            key = f"notify:{req.id}:{kind}"
            try:
                async with activity_errors():
                    await outbox.send_once(
                        self.db,
                        key=key,
                        kind=kind,
                        target=target,
                        payload=payload,
                        workflow_id=req.workflow_id,
                        send=send,
                    )
            except Exception as exc:
                if activity.info().attempt < NOTIFY_ATTEMPTS:
                    raise
                # The dashboard notification stands; a mail or Slack outage must not hold up the approval.
                log.warning("approval %s: %s notification given up: %s", req.id, kind, exc)
                await outbox.set_state(self.db, key, "failed", error=str(exc)[:500])

    async def _email(self, to: list[str], req: ApprovalRequest, text: str) -> dict[str, str]:
        await send_email(
            Smtp.from_settings(self.settings),
            to,
            f"Approval needed: {req.title}",
            text,
            f"<approval-{req.id}@renubu>",
        )
        return {"to": ", ".join(to)}

    async def _slack(self, text: str) -> dict[str, str]:
        await post_slack(self.settings.slack_webhook_url, text)
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
