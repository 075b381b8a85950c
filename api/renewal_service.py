"""Talking to a renewal workflow from the API: read its state, run its updates.

State comes from Temporal (a query). An update answers only a small ack (a renewal's
state grows with its life), so the new state is queried once it has been applied:
callers get the whole state as before. Validation failures come back as a message
for the CSM, not as a 500.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.service import RPCError, RPCStatusCode

from contracts import names
from contracts.renewals import RenewalState

UPDATE_WAIT_S = 25.0


class RenewalNotFound(Exception):
    pass


@dataclass
class UpdateOutcome:
    state: RenewalState | None = None
    error: str | None = None
    still_running: bool = False


async def get_state(client: Client, workflow_id: str) -> RenewalState:
    handle = client.get_workflow_handle(workflow_id)
    try:
        state: RenewalState = await handle.query(names.RENEWAL_STATE, result_type=RenewalState)
        return state
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise RenewalNotFound(workflow_id) from exc
        raise


async def run_update(client: Client, workflow_id: str, update: str, arg: BaseModel) -> UpdateOutcome:
    """Start the update (a name from contracts.names), wait for its result a while; long actions
    (a slow model) keep running in the workflow and the page can be refreshed."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        # No result type: workers of an older release answer the whole state, newer ones an ack; either is
        # followed by the query.
        update_handle = await handle.start_update(update, arg, wait_for_stage=WorkflowUpdateStage.ACCEPTED)
        await asyncio.wait_for(update_handle.result(), timeout=UPDATE_WAIT_S)
        return UpdateOutcome(state=await get_state(client, workflow_id))
    except WorkflowUpdateFailedError as exc:
        return UpdateOutcome(error=_reason(exc))
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        return UpdateOutcome(still_running=True)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise RenewalNotFound(workflow_id) from exc
        if exc.status == RPCStatusCode.FAILED_PRECONDITION:
            return UpdateOutcome(error="this renewal is closed")
        raise


def _reason(exc: WorkflowUpdateFailedError) -> str:
    cause = exc.cause
    while getattr(cause, "cause", None) is not None and not str(cause):
        cause = cause.cause  # type: ignore[union-attr]
    return str(getattr(cause, "message", None) or cause or exc)
