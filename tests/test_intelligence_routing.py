import pytest

from contracts.intelligence import AssignmentState, CsmCandidate, CustomerInfo, ExistingRenewal
from contracts.renewals import Stage
from rules.routing import route

ACME = CustomerInfo(id="acme-corp", name="Acme Corp", arr=200_000, account_plan="invest", owner_email="sarah@x")
TEAM = [
    CsmCandidate(email="sarah@x", name="Sarah", experience="senior", active_workflows=5),
    CsmCandidate(email="ana@x", name="Ana", experience="junior", active_workflows=1),
]


def test_new_emergency_renewal_reproduces_the_seed_287() -> None:
    routing = route(ACME, Stage.EMERGENCY, AssignmentState(csms=TEAM, existing=None))
    assert routing.csm.email == "sarah@x" and routing.priority.score == 287


def test_existing_renewal_keeps_its_csm_and_only_escalates() -> None:
    existing = ExistingRenewal(
        workflow_id="renewal-acme-corp-x", assigned_to="ana@x", csm_name="Ana", stage="Emergency"
    )
    routing = route(ACME, Stage.PREPARE, AssignmentState(csms=TEAM, existing=existing))
    assert routing.csm.email == "ana@x" and routing.stage == Stage.EMERGENCY
    assert routing.priority.workload_penalty == 0  # Ana's one open workflow is this renewal


def test_existing_renewal_of_a_departed_csm_is_reassigned() -> None:
    existing = ExistingRenewal(workflow_id="w", assigned_to="gone@x", stage="Critical")
    routing = route(ACME, Stage.CRITICAL, AssignmentState(csms=TEAM, existing=existing))
    assert routing.csm.email == "sarah@x"


def test_no_csms_is_an_error() -> None:
    with pytest.raises(ValueError, match="no active CSMs"):
        route(ACME, Stage.CRITICAL, AssignmentState(csms=[], existing=None))
