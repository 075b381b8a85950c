"""Who gets a renewal and at what priority: pure, given the CSM roster.

A renewal that already exists keeps its CSM (and may only escalate); a new one
goes to the best-fit, least-loaded CSM (rules.assignment). The score uses the
chosen CSM's experience and their other open workflows (rules.scoring).
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.intelligence import AssignmentState, CsmCandidate, CustomerInfo
from contracts.renewals import Priority, Stage
from rules.assignment import Candidate, assign
from rules.determination import escalate
from rules.scoring import priority_score


@dataclass(frozen=True)
class Routing:
    stage: Stage
    csm: CsmCandidate
    reason: str
    priority: Priority


def route(customer: CustomerInfo, stage: Stage, roster: AssignmentState) -> Routing:
    if not roster.csms:
        raise ValueError("no active CSMs to assign renewals to")
    by_email = {c.email.lower(): c for c in roster.csms}
    existing = roster.existing
    if existing and existing.assigned_to.lower() in by_email:
        stage = escalate(Stage(existing.stage), stage)
        csm = by_email[existing.assigned_to.lower()]
        # Their count includes this renewal; a new one is not counted yet either.
        reason, others = "keeps the current owner of this renewal", max(csm.active_workflows - 1, 0)
    else:
        candidates = [Candidate(c.email, c.name, c.experience, c.active_workflows) for c in roster.csms]
        chosen = assign(stage.value, customer.arr, customer.owner_email, candidates)
        csm = by_email[chosen.csm.email.lower()]
        reason, others = chosen.reason, csm.active_workflows
    factors = priority_score(stage.definition_id, customer.arr, customer.account_plan, csm.experience, others)
    return Routing(stage, csm, reason, Priority(**factors.as_dict(), explanation=factors.explain()))
