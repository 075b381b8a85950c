"""A renewal's runs: when one continues as new, and what it hands to the next. Workflow code.

A renewal lives for months and every CSM action, signal and approval adds events, so its history would grow
past Temporal's limits. It continues as new when Temporal suggests it (or, for tests, past a set number of
events), carrying everything (`RenewalCarry`): the next run starts with the same state, approvals and
unapplied signals, and re-arms its timers from the deadlines they hold (the renewal's expiry, its next stage
day, each pending approval's expiry), so nothing is lost and the workflow id stays the same.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.renewals import IntelligenceUpdate, RenewalCarry, RenewalInput, RenewalState, SupersedeInput
    from workflows.approval_gate import ApprovalGate

# Renewals started before this never continue as new (their histories have no such command to replay).
CONTINUE_AS_NEW = "renewal-continue-as-new"


def due(inp: RenewalInput) -> bool:
    """Whether this run's history is long enough to hand over to a new run."""
    info, limit = workflow.info(), inp.continue_as_new_after_events
    return info.is_continue_as_new_suggested() or (limit is not None and info.get_current_history_length() >= limit)


def carry(
    state: RenewalState, gate: ApprovalGate, inbox: list[IntelligenceUpdate], superseded_by: SupersedeInput | None
) -> RenewalCarry:
    return RenewalCarry(
        state=state,
        requests=list(gate.requests.values()),
        outcomes=list(gate.outcomes.values()),
        inbox=list(inbox),
        superseded_by=superseded_by,
    )


def begin(inp: RenewalInput, gate: ApprovalGate) -> RenewalState:
    """The state a run starts from: a new renewal's, or the one carried over with its approvals given back to
    the gate (pending ones can still be decided, or expire on time; decided ones still answer a repeated
    decision with the recorded outcome)."""
    if inp.carry is None:
        return RenewalState(
            workflow_id=workflow.info().workflow_id,
            customer_id=inp.customer_id,
            customer_name=inp.customer_name,
            renewal_date=inp.renewal_date,
            created_at=workflow.now(),
        )
    gate.requests = {r.id: r for r in inp.carry.requests}
    gate.outcomes = {o.approval_id: o for o in inp.carry.outcomes}
    return inp.carry.state
