"""Choosing the CSM for a renewal, as one serialised transaction.

Signals for many customers arrive at once; if each read the team's load on its
own, they would all see the same numbers and pile onto one CSM. Here the
choice is made under a lock and recorded (a placeholder row in the queue
projection) before the lock is released, so the next choice sees it.
"""

from __future__ import annotations

from sqlalchemy import select
from temporalio import activity

from contracts.intelligence import AssignmentState, AssignRequest, CsmCandidate, ExistingRenewal, RenewalAssignment
from db import locks, renewal_projection
from db.engine import Database
from db.models import User
from rules.routing import route

LOCK = "renewal-assignment"


class AssignmentActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name="assign_renewal")
    async def assign_renewal(self, req: AssignRequest) -> RenewalAssignment:
        customer = req.customer
        assert customer.renewal_date is not None
        async with self.db.transaction() as session:
            await locks.take(session, LOCK)
            users = await session.scalars(select(User).where(User.role == "csm", User.active.is_(True)))
            loads = await renewal_projection.open_counts_by_csm(session)
            csms = [
                CsmCandidate(
                    email=u.email,
                    name=u.name,
                    experience=u.experience or "mid",
                    active_workflows=loads.get(u.email, 0),
                )
                for u in users
            ]
            existing = await renewal_projection.open_renewal(session, customer.id, customer.renewal_date)
            roster = AssignmentState(
                csms=csms,
                existing=ExistingRenewal(
                    workflow_id=existing.id,
                    assigned_to=existing.assigned_to,
                    stage=existing.stage,
                )
                if existing
                else None,
            )
            routing = route(customer, req.stage, roster)
            if existing is None:
                await renewal_projection.upsert(
                    session,
                    {
                        "id": req.workflow_id,
                        "customer_id": customer.id,
                        "customer_name": customer.name,
                        "definition_id": routing.stage.definition_id,
                        "stage": routing.stage.value,
                        "status": "pending",
                        "assigned_to": routing.csm.email,
                        "priority_score": routing.priority.score,
                        "priority_factors": routing.priority.model_dump(),
                        "risk_score": req.risk_score,
                        "usage_trend": req.usage_trend,
                        "arr": customer.arr,
                        "renewal_date": customer.renewal_date,
                        "current_step": None,
                        "steps_done": 0,
                        "steps_total": 0,
                        "analysis_source": req.analysis_source,
                        "summary": req.summary,
                        "outcome": None,
                        "outcome_status": None,
                        "duration_s": None,
                        "seq": 0,
                        "created_at": activity.info().started_time,
                        "started_at": None,
                        "completed_at": None,
                    },
                )
        return RenewalAssignment(
            stage=routing.stage.value,
            assigned_to=routing.csm.email,
            csm_name=routing.csm.name,
            reason=routing.reason,
            priority=routing.priority,
        )
