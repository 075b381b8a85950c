"""Activity behind renewal buttons: LLM-drafted artifacts and Salesforce tasks.

Drafts come from the model when one is configured, else from the offline
generator; every artifact names its source. Salesforce tasks go through the
outbox and are upserted by external id, so a retry never creates a second task.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from clients.errors import activity_errors
from clients.notify import Smtp, send_email
from clients.salesforce import SalesforceClient
from contracts.analysis import CustomerAnalysis
from contracts.intelligence import CustomerContext
from contracts.renewals import ActionRequest, ActionResult, OutreachSend
from db import intelligence_store, outbox, renewal_projection, users
from db.engine import Database
from llm.base import Analyst
from llm.factory import offline_fallback


class RenewalSideEffectActivities:
    def __init__(self, db: Database, salesforce: SalesforceClient, analyst: Analyst, smtp: Smtp) -> None:
        self.db, self.salesforce, self.analyst, self.smtp = db, salesforce, analyst, smtp

    @activity.defn(name="send_renewal_email")
    async def send_outreach(self, req: OutreachSend) -> str:
        """Sends a manager-approved email to the account's first contact with an address; returns it."""
        context, _ = await self._load(req.intelligence_id)
        to = next((c.email for c in context.data.salesforce.contacts if c.email), None)
        if to is None:
            raise ApplicationError(f"{context.customer.name} has no contact with an email address", non_retryable=True)

        async def send() -> dict[str, Any]:
            await send_email(self.smtp, [to], req.subject, req.body, f"<{req.approval_id}@renubu>")
            return {"to": to}

        async with activity_errors():
            result = await outbox.send_once(
                self.db,
                key=req.idempotency_key,
                kind="email",
                target=to,
                payload={"subject": req.subject, "approval": req.approval_id},
                workflow_id=req.workflow_id,
                send=send,
            )
        return str(result["to"])

    @activity.defn(name="perform_renewal_action")
    async def perform_action(self, req: ActionRequest) -> ActionResult:
        context, analysis = await self._load(req.intelligence_id)
        analyst = offline_fallback(req.offline_reason) if req.offline_reason else self.analyst
        async with activity_errors():
            if req.action == "draftOutreach":
                signed = await self._signed_by_csm(req.workflow_id, context)
                email = await analyst.draft_outreach(
                    signed, analysis, purpose=f"{req.stage} renewal: {req.step_name}", variant=_run_number(req)
                )
                return ActionResult(
                    artifact_id="outreach-email",
                    title=f"Draft email - {context.customer.name}",
                    type="email",
                    data=email.draft.model_dump(),
                    source=email.provenance.label,
                    note="Draft email ready in the artifacts panel. Review it before sending.",
                )
            if req.action == "draftPlan":
                plan = await analyst.renewal_plan(context, analysis, stage=req.stage)
                return ActionResult(
                    artifact_id="renewal-plan",
                    title=plan.draft.title,
                    type="plan",
                    data=plan.draft.model_dump(),
                    source=plan.provenance.label,
                    note="Renewal plan drafted with owners and due dates.",
                )
            if req.action == "scheduleCall":
                agenda = await analyst.call_agenda(context, analysis)
                task = await self._task(
                    req,
                    context,
                    f"Call: {agenda.draft.title}",
                    "\n".join(agenda.draft.agenda),
                    due=_today() + timedelta(days=1),
                )
                # What the CSM reads on the agenda; not whether this try created or updated the task.
                data = {**agenda.draft.model_dump(), "salesforce_task": {k: task[k] for k in ("id", "subject", "due")}}
                return ActionResult(
                    artifact_id="call-agenda",
                    title=agenda.draft.title,
                    type="plan",
                    data=data,
                    source=agenda.provenance.label,
                    note=f"Call agenda ready; Salesforce task {task['id']} is due {task['due']}.",
                )
            if req.action == "createTask":
                task = await self._task(
                    req,
                    context,
                    f"{req.step_name} - {context.customer.name}",
                    f"Follow-up from the {req.stage} renewal ({req.step_name}).",
                    due=_today() + timedelta(days=2),
                )
                return ActionResult(
                    artifact_id="salesforce-task",
                    title=task["subject"],
                    type="checklist",
                    data={
                        "items": [
                            f"Salesforce task {task['id']}",
                            f"Due {task['due']}",
                            f"Owner: {context.customer.owner or 'account owner'}",
                        ]
                    },
                    source="Salesforce",
                    note=f"Created Salesforce task {task['id']}.",
                )
        raise ValueError(f"unknown renewal action {req.action!r}")

    async def _load(self, intelligence_id: int) -> tuple[CustomerContext, CustomerAnalysis]:
        async with self.db.session() as session:
            row = await intelligence_store.get_intelligence(session, intelligence_id)
        if row is None:
            raise ValueError(f"intelligence {intelligence_id} not found")
        context = CustomerContext.model_validate(row.context)
        analysis = CustomerAnalysis.model_validate(
            {
                "risk_score": row.risk_score,
                "health_score": row.health_score,
                "sentiment": row.sentiment,
                "summary": row.summary,
                "trends": row.trends,
                "insights": row.insights,
                "recommendations": row.recommendations,
            }
        )
        return context, analysis

    async def _signed_by_csm(self, workflow_id: str, context: CustomerContext) -> CustomerContext:
        """The context a customer email is drafted from, with the CSM working the renewal as its owner:
        the email is signed by them, not by the Salesforce account owner."""
        async with self.db.session() as session:
            row = await renewal_projection.get(session, workflow_id)
            csm = await users.by_email(session, row.assigned_to) if row else None
        if csm is None:
            return context
        customer = context.customer.model_copy(update={"owner": csm.name, "owner_email": csm.email})
        return context.model_copy(update={"customer": customer})

    async def _task(
        self, req: ActionRequest, context: CustomerContext, subject: str, description: str, due: date
    ) -> dict[str, Any]:
        what_id = context.customer.salesforce_id or ""
        payload = {"subject": subject, "description": description, "due": due.isoformat(), "what_id": what_id}

        async def send() -> dict[str, Any]:
            result = await self.salesforce.upsert_task(
                req.idempotency_key,
                what_id=what_id,
                subject=subject,
                description=description,
                activity_date=due,
            )
            return {"id": result.id, "created": result.created, "subject": subject, "due": due.isoformat()}

        return await outbox.send_once(
            self.db,
            key=req.idempotency_key,
            kind="salesforce_task",
            target=context.customer.name,
            payload=payload,
            workflow_id=req.workflow_id,
            send=send,
        )


def _run_number(req: ActionRequest) -> int:
    """Which click of this button it is (the key's last part): a second click asks for a new draft."""
    last = req.idempotency_key.rsplit(":", 1)[-1]
    return int(last) if last.isdigit() else 1


def _today() -> date:
    return datetime.now(UTC).date()
