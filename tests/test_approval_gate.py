"""The approval gate's answers that need no workflow: which decision repeats the recorded one (answered with the
recorded outcome, not an error), and that a finishing workflow accepts no more decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contracts.approvals import ApprovalDecision, ApprovalRequest
from rules.approvals import decision_outcome, expired_outcome
from tests.factories import MANAGER, NOW
from workflows.approval_gate import ApprovalGate

REQ = ApprovalRequest(
    id="apr-1",
    workflow_id="renewal-x",
    workflow_kind="renewal",
    action="send_renewal_email",
    title="Email?",
    reason="customer emails need approval",
    editable={"subject": "Hi", "body": "Hello"},
    requested_at=NOW,
    expires_at=NOW + timedelta(hours=1),
)
EDITED = ApprovalDecision(approval_id="apr-1", actor=MANAGER, approve=True, edits={"subject": "Hi there"})


def _decided(d: ApprovalDecision) -> ApprovalGate:
    gate = ApprovalGate()
    gate.requests[REQ.id] = REQ
    gate.outcomes[REQ.id] = decision_outcome(REQ, d, NOW + timedelta(minutes=5))
    return gate


def test_the_same_decision_again_gets_the_recorded_outcome() -> None:
    gate = _decided(EDITED)
    assert gate.repeats(EDITED.model_copy())
    assert gate.validate(EDITED.model_copy()) is gate.outcomes[REQ.id]


@pytest.mark.parametrize(
    "other",
    [
        EDITED.model_copy(update={"edits": None}),  # approved, but without the edits
        EDITED.model_copy(update={"approve": False, "reason": "no", "edits": None}),
        EDITED.model_copy(update={"actor": MANAGER.model_copy(update={"email": "other@renubu.demo"})}),
    ],
)
def test_a_different_decision_is_not_a_repeat(other: ApprovalDecision) -> None:
    assert not _decided(EDITED).repeats(other)


def test_an_expired_request_is_never_repeated() -> None:
    gate = ApprovalGate()
    gate.requests[REQ.id], gate.outcomes[REQ.id] = REQ, expired_outcome(REQ, REQ.expires_at)
    assert not gate.repeats(EDITED)


def test_a_finishing_workflow_takes_no_decisions() -> None:
    gate = _decided(EDITED)
    gate.closed = True
    with pytest.raises(ValueError, match="has finished"):
        gate.validate(EDITED)
