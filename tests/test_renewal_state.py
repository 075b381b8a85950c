"""The renewal state machine, without a Temporal server."""

from datetime import timedelta

import pytest

from contracts.renewals import ChooseInput, CompleteInput, CompleteStepInput, ReassignInput, RenewalState
from definitions.registry import get_definition
from tests.factories import CSM, MANAGER, NOW, OPERATOR, OTHER_CSM, priority, state, update
from workflows import renewal_chat as chat
from workflows import renewal_state as sm


def ready(stage: str = "Emergency") -> RenewalState:
    s = state()
    sm.set_definition(s, get_definition(f"{stage.lower()}-renewal"), NOW, "first signal")
    sm.apply_intelligence(s, update(stage=stage))
    return s


def test_new_renewal_is_pending_with_steps_from_definition() -> None:
    s = ready()
    assert s.status == "pending" and s.stage == "Emergency"
    assert [p.step_id for p in s.steps] == [
        "assess-risk",
        "review-contract",
        "executive-outreach",
        "save-plan",
    ]
    assert s.assigned_to == CSM.email and s.priority is not None and s.priority.score == 287
    assert not s.chat  # nothing said before the CSM starts


def test_start_moves_to_in_progress_and_opens_step_one() -> None:
    s = ready()
    sm.start(s, CSM, NOW)
    assert s.status == "in_progress" and s.current_step is not None
    assert s.current_step.step_id == "assess-risk"
    assert s.chat[-1].template and "{{customer.name}}" in s.chat[-1].text
    assert [b.value for b in s.offered_buttons] == ["review", "call", "outreach"]


@pytest.mark.parametrize("actor", [OTHER_CSM, OPERATOR])
def test_only_the_assigned_csm_or_a_manager_may_act(actor: object) -> None:
    s = ready()
    with pytest.raises(ValueError, match="assigned to"):
        sm.validate_start(s, actor)  # type: ignore[arg-type]
    sm.validate_start(s, MANAGER)


def test_cannot_start_twice() -> None:
    s = ready()
    sm.start(s, CSM, NOW)
    with pytest.raises(ValueError, match="already started"):
        sm.validate_start(s, CSM)


def test_choose_shows_artifact_and_returns_activity_actions() -> None:
    s = ready()
    sm.start(s, CSM, NOW)
    assert chat.choose(s, ChooseInput(actor=CSM, step_id="assess-risk", value="review"), NOW).actions == []
    assert [a.id for a in s.artifacts] == ["risk-analysis"] and s.artifacts[0].template
    assert [b.value for b in s.offered_buttons] == ["call", "complete"]
    assert chat.choose(s, ChooseInput(actor=CSM, step_id="assess-risk", value="call"), NOW).actions == ["scheduleCall"]


def test_the_reply_of_an_action_waits_until_it_happened() -> None:
    """ "I drafted an agenda and logged the call" is said only after the action succeeded; until then the
    step keeps offering Schedule Call, so a failed call can be clicked again."""
    s = ready()
    sm.start(s, CSM, NOW)
    choice = chat.choose(s, ChooseInput(actor=CSM, step_id="assess-risk", value="call"), NOW, reply_after_actions=True)
    assert choice.actions == ["scheduleCall"] and choice.reply is not None
    assert "logged the call" in choice.reply.text and not any("logged the call" in c.text for c in s.chat)
    assert "call" in [b.value for b in s.offered_buttons]  # a retry is possible
    chat.say(s, choice.reply, NOW)
    assert "logged the call" in s.chat[-1].text and [b.value for b in s.offered_buttons] == ["complete"]


@pytest.mark.parametrize(
    ("step", "value", "message"),
    [
        ("review-contract", "terms", "not the current step"),
        ("assess-risk", "bogus", "not one of the offered choices"),
    ],
)
def test_choose_rejects_bad_input(step: str, value: str, message: str) -> None:
    s = ready()
    sm.start(s, CSM, NOW)
    with pytest.raises(ValueError, match=message):
        chat.validate_choose(s, ChooseInput(actor=CSM, step_id=step, value=value))


def test_action_keys_are_stable_and_distinct() -> None:
    s = ready()
    sm.start(s, CSM, NOW)
    first = chat.next_action_key(s, "assess-risk", "scheduleCall")
    second = chat.next_action_key(s, "assess-risk", "scheduleCall")
    assert first.endswith(":assess-risk:scheduleCall:1") and second.endswith(":2")


def complete_all_steps(s: RenewalState) -> None:
    assert s.definition is not None
    for i, step in enumerate(s.definition.steps):
        record = sm.complete_step(
            s,
            CompleteStepInput(actor=CSM, step_id=step.id, outcome=step.outcomes[0], notes=f"n{i}"),
            NOW + timedelta(minutes=i + 1),
        )
        assert record.step_id == step.id and record.outcome == step.outcomes[0]


def test_steps_complete_in_order_then_workflow_completes() -> None:
    s = ready()
    sm.start(s, CSM, NOW)
    with pytest.raises(ValueError, match="still open"):
        sm.validate_complete(s, CompleteInput(actor=CSM, outcome="renewed"))
    complete_all_steps(s)
    assert s.all_steps_done and s.current_step is None
    with pytest.raises(ValueError, match="not one of"):
        sm.validate_complete(s, CompleteInput(actor=CSM, outcome="made_up"))
    sm.complete(s, CompleteInput(actor=CSM, outcome="renewed", next_steps=["Send proposal"]), NOW + timedelta(hours=1))
    assert s.status == "completed" and s.outcome is not None
    assert s.outcome.total_duration_s == 3600 and s.outcome.completed_by == CSM.email


def test_step_outcome_must_be_allowed() -> None:
    s = ready()
    sm.start(s, CSM, NOW)
    with pytest.raises(ValueError, match="outcome"):
        sm.validate_complete_step(s, CompleteStepInput(actor=CSM, step_id="assess-risk", outcome="nope"))


def test_escalation_restarts_on_new_definition_and_never_downgrades() -> None:
    s = ready("Prepare")
    sm.start(s, CSM, NOW)
    assert sm.proposed_stage(s, "Monitor").value == "Prepare"
    assert sm.proposed_stage(s, "Emergency").value == "Emergency"
    sm.set_definition(s, get_definition("emergency-renewal"), NOW, "risk 85/100, 4 days left")
    assert s.stage == "Emergency" and s.current_step is not None and s.current_step.step_id == "assess-risk"
    assert "escalated Prepare -> Emergency" in s.history[-1]
    assert s.chat[-2].role == "system" and "Escalated from Prepare to Emergency" in s.chat[-2].text


def test_intelligence_update_dedupes_nothing_itself_but_keeps_owner() -> None:
    s = ready()
    sm.apply_intelligence(s, update(event_id="evt-2", assigned_to="someone.else@renubu.demo", risk=90))
    assert s.assigned_to == CSM.email and s.risk_score == 90 and s.event_ids[-2:] == ["evt-1", "evt-2"]


def test_reassign_and_cancel_are_manager_only() -> None:
    s = ready()
    inp = ReassignInput(actor=CSM, to_email="ben@renubu.demo", to_name="Ben", priority=priority())
    with pytest.raises(ValueError, match="manager"):
        sm.validate_reassign(s, inp)
    sm.reassign(s, inp.model_copy(update={"actor": MANAGER}), NOW)
    assert s.assigned_to == "ben@renubu.demo" and "reassigned" in s.history[-1]
    with pytest.raises(ValueError, match="manager"):
        sm.validate_cancel(s, CSM)
    sm.cancel(s, MANAGER, "customer acquired", NOW)
    assert s.status == "cancelled" and not s.is_open
    with pytest.raises(ValueError, match="cancelled"):
        sm.validate_start(s, MANAGER)


def test_expire_closes_an_open_renewal() -> None:
    s = ready()
    sm.expire(s, NOW)
    assert s.status == "expired" and s.completed_at == NOW


def test_seq_grows_with_every_change() -> None:
    s = ready()
    before = s.seq
    sm.start(s, CSM, NOW)
    chat.choose(s, ChooseInput(actor=CSM, step_id="assess-risk", value="review"), NOW)
    assert s.seq == before + 2
