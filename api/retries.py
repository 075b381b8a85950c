"""Retry: a unit of work that ended for good on bad data (a journey send refused as invalid, a risk signal whose
Salesforce record did not parse) is run again once the data is fixed. Manager-only; a request id makes a double
click or a retried POST one retry (a step's retry is an update with that id, and Temporal answers a repeated
update id with the first one; a signal's retry is an event id made from it, which the workflow de-duplicates)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

from fastapi import HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.service import RPCError, RPCStatusCode

from api.idempotency import RequestIdField
from contracts import ids, names
from contracts.intelligence import IntelligenceInput, RiskSignal
from contracts.journeys import RetryStepInput
from core.settings import Settings
from db import failed_signals
from db.engine import Database
from db.models import Enrollment, FailedSignal, StepVisit
from rules.step_outcomes import failure

RESULT_WAIT_S = 5.0


class RetryStepBody(BaseModel):
    enrollment_id: str = Field(min_length=1, max_length=200, description="the walk (journey workflow id)")
    step_id: str = Field(min_length=1, max_length=60, description="the send step that failed")
    request_id: RequestIdField = None


async def failed_steps(db: Database, enrollment_ids: list[str]) -> dict[str, list[tuple[StepVisit, str]]]:
    """Per walk, its steps whose latest try failed for good, with the reason."""
    async with db.session() as session:
        visits = await session.scalars(
            select(StepVisit).where(StepVisit.enrollment_id.in_(enrollment_ids)).order_by(StepVisit.seq)
        )
        found: dict[str, list[tuple[StepVisit, str]]] = {}
        for v in visits:
            if (reason := failure(v.outcome or "")) is not None:
                found.setdefault(v.enrollment_id, []).append((v, reason))
    return found


async def retry_step(db: Database, client: Client, lead_id: str, body: RetryStepBody, by: str) -> str | None:
    """Retries the step (the journey runs the send again and records the outcome on the step, shown live); returns
    the step's outcome, or None while the retry is still going."""
    async with db.session() as session:
        walk = await session.get(Enrollment, body.enrollment_id)
    if walk is None or walk.lead_id != lead_id:
        raise HTTPException(404, f"enrollment_id: no walk {body.enrollment_id!r} of lead {lead_id!r}")
    if walk.status != "active":
        raise HTTPException(409, "enrollment_id: the journey has ended; enrol the lead again to walk it anew")
    handle = client.get_workflow_handle(body.enrollment_id)
    try:
        update = await handle.start_update(
            names.JOURNEY_RETRY_STEP,
            RetryStepInput(step_id=body.step_id, by=by),
            id=body.request_id or None,
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            result_type=str,
        )
        # A refused retry is known at once; an accepted one usually sends within a second. One held longer (the
        # kill switch is on, the cap defers it) goes on in the journey, and its outcome appears on the step.
        return await asyncio.wait_for(update.result(), RESULT_WAIT_S)
    except TimeoutError:
        return None
    except WorkflowUpdateFailedError as exc:  # the journey's validator: nothing failed there, or already retrying
        cause = exc.cause
        raise HTTPException(409, f"step_id: {getattr(cause, 'message', None) or cause or exc}") from exc
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise HTTPException(409, "enrollment_id: the journey is no longer running") from exc
        raise


class RetrySignalBody(BaseModel):
    request_id: RequestIdField = None


async def retry_signal(
    db: Database, client: Client, settings: Settings, event_id: str, request_id: str | None, by: str
) -> str:
    """Sends the failed signal to its customer's workflow again, as a new event that names the one it retries
    (the failure is resolved when its analysis is stored, or recorded again); returns the new event id."""
    async with db.session() as session:
        failed = await session.get(FailedSignal, event_id)
    if failed is None:
        raise HTTPException(404, f"event_id: no failed signal {event_id!r}")
    if failed.resolved_at is not None:
        raise HTTPException(409, "event_id: this signal's retry already went through")
    token = hashlib.sha256((request_id or uuid.uuid4().hex).encode()).hexdigest()[:12]
    signal = RiskSignal.model_validate({**failed.signal, "event_id": f"{event_id[:80]}~retry-{token}"})
    signal.retry_of = event_id
    await client.start_workflow(
        names.CUSTOMER_INTELLIGENCE,
        IntelligenceInput(customer_id=failed.customer_id),
        id=ids.intelligence(failed.customer_id),
        task_queue=settings.temporal.task_queue,
        start_signal=names.CUSTOMER_UPDATE,
        start_signal_args=[signal],
        static_summary=f"Customer intelligence · {failed.customer_id}",
    )
    async with db.transaction() as session:
        await failed_signals.retried(session, event_id, by)
    return signal.event_id
