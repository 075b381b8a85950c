"""Read-only views of a renewal: the database projection and what the Temporal
UI shows (search attributes, current details)."""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeUpdate

from contracts.renewals import Projection, RenewalState
from contracts.search_attributes import CSM_EMAIL, CUSTOMER_ID, PRIORITY_SCORE, RENEWAL_STAGE, RENEWAL_STATUS


def search_attributes(state: RenewalState) -> list[SearchAttributeUpdate[Any]]:
    return [
        CUSTOMER_ID.value_set(state.customer_id),
        CSM_EMAIL.value_set(state.assigned_to),
        RENEWAL_STAGE.value_set(state.stage),
        RENEWAL_STATUS.value_set(state.status),
        PRIORITY_SCORE.value_set(state.priority.score if state.priority else 0),
    ]


def projection(state: RenewalState) -> Projection:
    current = state.current_step
    return Projection(
        id=state.workflow_id,
        customer_id=state.customer_id,
        customer_name=state.customer_name,
        definition_id=state.definition.id if state.definition else "",
        stage=state.stage,
        status=state.status,
        assigned_to=state.assigned_to,
        priority_score=state.priority.score if state.priority else 0,
        priority_factors=state.priority.model_dump() if state.priority else {},
        risk_score=state.risk_score,
        usage_trend=state.usage_trend,
        arr=state.arr,
        renewal_date=state.renewal_date,
        current_step=current.step_id if current else None,
        steps_done=state.steps_done,
        steps_total=len(state.steps),
        analysis_source=state.analysis_source,
        summary=state.summary,
        outcome=state.outcome.model_dump(mode="json") if state.outcome else None,
        outcome_status=state.outcome.status if state.outcome else None,
        duration_s=state.outcome.total_duration_s if state.outcome else None,
        seq=state.seq,
        created_at=state.created_at,
        started_at=state.started_at,
        completed_at=state.completed_at,
    )


def current_details(state: RenewalState) -> str:
    """Markdown for the Temporal UI's "current details" panel."""
    lines = [
        f"**{state.customer_name}** · {state.stage} renewal · **{state.status}**",
        f"Assigned to {state.csm_name or state.assigned_to} · priority "
        f"{state.priority.score if state.priority else 0} · risk {state.risk_score}/100 · "
        f"renews {state.renewal_date.isoformat()}",
        "",
    ]
    for step in state.steps:
        mark = {"done": "x", "active": ">", "pending": " "}[step.status]
        outcome = f" — {step.outcome}" if step.outcome else ""
        lines.append(f"- [{mark}] {step.name}{outcome}")
    if state.outcome:
        lines += ["", f"Outcome: **{state.outcome.status}** by {state.outcome.completed_by}"]
    return "\n".join(lines)
