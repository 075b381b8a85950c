"""Activities of the renewal workflow that touch our own systems: definitions,
the queue projection, the step audit trail, and starting/updating renewals."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts import names
from contracts.intelligence import UpsertRenewal
from contracts.renewal_definitions import WorkflowDefinition
from contracts.renewals import Projection, StepRecord, SupersedeInput
from contracts.search_attributes import CUSTOMER_ID, RENEWAL_STATUS
from db import renewal_periods, renewal_projection, step_history
from db.engine import Database
from definitions.registry import get_definition


class RenewalActivities:
    def __init__(self, db: Database, client: Client, task_queue: str, *, approval_ttl_s: int = 24 * 3600) -> None:
        self.db, self.client, self.task_queue, self.approval_ttl_s = db, client, task_queue, approval_ttl_s

    @activity.defn(name="load_definition")
    async def load_definition(self, definition_id: str) -> WorkflowDefinition:
        return get_definition(definition_id)

    @activity.defn(name="upsert_renewal")
    async def upsert_renewal(self, req: UpsertRenewal) -> bool:
        """Signal-with-start: creates the renewal or hands the running one the update,
        atomically, so a renewal period never gets two workflows. False when this
        period's renewal is already closed (completed, cancelled or expired)."""
        upd = req.update
        # The period's key in our database decides, not Temporal's retention: once this period's renewal has
        # closed, no signal starts another, even after its history is gone.
        async with self.db.transaction() as session:
            period = await renewal_periods.claim(
                session, req.input.customer_id, req.input.renewal_date, req.workflow_id
            )
        if period.status != renewal_periods.OPEN:
            activity.logger.info(
                "renewal period of %s is %s; signal %s not applied", period.workflow_id, period.status, upd.event_id
            )
            return False
        try:
            await self._signal_with_start(req.model_copy(update={"workflow_id": period.workflow_id}))
        except WorkflowAlreadyStartedError:
            activity.logger.info("renewal %s is closed; signal %s not applied", req.workflow_id, upd.event_id)
            return False
        await self._supersede_others(req)
        return True

    async def _supersede_others(self, req: UpsertRenewal) -> None:
        """One open renewal per customer: when the renewal date moved, the renewal of the old date is closed
        as superseded, linked to this one. Safe to repeat (a closed renewal ignores the signal)."""
        async with self.db.session() as session:
            others = await renewal_projection.open_for_customer(session, req.input.customer_id)
        inp = SupersedeInput(
            by_workflow_id=req.workflow_id, renewal_date=req.input.renewal_date, event_id=req.update.event_id
        )
        for other in others:
            if other.id == req.workflow_id:
                continue
            try:
                await self.client.get_workflow_handle(other.id).signal(names.RENEWAL_SUPERSEDE, inp)
            except RPCError as exc:
                if exc.status != RPCStatusCode.NOT_FOUND:  # already closed: nothing to supersede
                    raise

    async def _signal_with_start(self, req: UpsertRenewal) -> None:
        upd = req.update
        await self.client.start_workflow(
            names.RENEWAL,
            req.input.model_copy(update={"approval_ttl_s": self.approval_ttl_s}),
            id=req.workflow_id,
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            start_signal=names.INTELLIGENCE_UPDATE,
            start_signal_args=[upd],
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(CUSTOMER_ID, req.input.customer_id),
                    SearchAttributePair(RENEWAL_STATUS, "pending"),
                ]
            ),
            static_summary=f"{upd.stage} renewal · {upd.customer_name} · renews {req.input.renewal_date}",
            static_details=(
                f"Customer `{req.input.customer_id}` · ARR ${upd.arr:,.0f} · "
                f"first signal {upd.event_id} · analysis: {upd.analysis_source}"
            ),
        )

    @activity.defn(name="project_renewal")
    async def project_renewal(self, proj: Projection) -> None:
        async with self.db.transaction() as session:
            await renewal_projection.upsert(session, proj.model_dump())
            if proj.status in renewal_periods.CLOSED:
                await renewal_periods.close(session, proj.id, proj.status, proj.completed_at or datetime.now(UTC))

    @activity.defn(name="record_step")
    async def record_step(self, rec: StepRecord) -> None:
        async with self.db.transaction() as session:
            await step_history.record(
                session,
                {
                    **rec.model_dump(exclude={"outcome", "notes"}),
                    "duration_s": (rec.completed_at - rec.started_at).total_seconds(),
                    "outcomes": {"outcome": rec.outcome, "notes": rec.notes},
                },
            )
