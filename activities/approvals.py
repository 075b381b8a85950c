"""Recording approval requests and decisions, and telling managers."""

from __future__ import annotations

from sqlalchemy import select
from temporalio import activity

from clients.errors import activity_errors
from clients.notify import post_slack, send_email
from core.settings import Settings
from db import approvals_store, outbox
from db.engine import Database
from db.models import User
from workflows.approval_models import ApprovalOutcome, ApprovalRequest


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
        async with activity_errors():
            if self.settings.smtp_host and managers:
                await outbox.send_once(
                    self.db,
                    key=f"notify:{req.id}:email",
                    kind="email",
                    target=", ".join(managers),
                    payload={"subject": req.title},
                    workflow_id=req.workflow_id,
                    send=lambda: self._email(managers, req, text),
                )
            if self.settings.slack_webhook_url:
                await outbox.send_once(
                    self.db,
                    key=f"notify:{req.id}:slack",
                    kind="slack",
                    target="slack",
                    payload={"text": text},
                    workflow_id=req.workflow_id,
                    send=lambda: self._slack(text),
                )

    async def _email(self, to: list[str], req: ApprovalRequest, text: str) -> dict[str, str]:
        s = self.settings
        await send_email(
            s.smtp_host,
            s.smtp_port,
            s.smtp_from,
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
