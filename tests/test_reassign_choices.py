"""Reassign guard rails: the rule's best fit preselected, a warning for a choice that breaks the rule, and a
reason required to override it (which the audit trail keeps)."""

from __future__ import annotations

from api.reassign_choices import choices, override_reason
from rules.assignment import Candidate, recommend, rule_warning

TEAM = [
    Candidate("ana@x", "Ana", "junior", 2),
    Candidate("ben@x", "Ben", "mid", 4),
    Candidate("sarah@x", "Sarah", "senior", 5),
    Candidate("paul@x", "Paul", "principal", 9),
]


def test_an_emergency_to_a_junior_breaks_the_rule() -> None:
    assert rule_warning("Emergency", 10_000, "junior") == (
        "Emergency renewals need a senior CSM or above; this CSM is junior"
    )
    assert rule_warning("Emergency", 10_000, "senior") is None
    assert rule_warning("Monitor", 200_000, "mid") == (
        "Monitor renewals over $150,000 need a senior CSM or above; this CSM is mid"
    )
    assert rule_warning("Prepare", 10_000, "junior") is None


def test_the_recommendation_is_the_best_fit_other_than_the_current_csm() -> None:
    assert recommend("Emergency", 10_000, "ana@x", TEAM) == TEAM[2]
    assert recommend("Emergency", 10_000, "sarah@x", TEAM) == TEAM[3]  # the only other senior+
    assert recommend("Prepare", 10_000, "paul@x", TEAM) == TEAM[0]  # least loaded
    assert recommend("Prepare", 10_000, "ana@x", [TEAM[0]]) is None


def test_choices_list_level_and_load_with_the_recommended_first() -> None:
    picks = choices("Emergency", 10_000, "paul@x", TEAM)
    assert [c.email for c in picks] == ["sarah@x", "ana@x", "ben@x"]
    assert picks[0].recommended and picks[0].label == "Sarah (senior, 5 open) · recommended"
    assert picks[1].warning and not picks[1].recommended and picks[1].label == "Ana (junior, 2 open)"
    assert picks[2].warning and "mid" in picks[2].warning


def test_overriding_the_rule_needs_a_reason_which_the_trail_keeps() -> None:
    error, _ = override_reason("Emergency", 10_000, "junior", "  ")
    assert error == (
        "Emergency renewals need a senior CSM or above; this CSM is junior: give a reason to override the "
        "assignment rule."
    )
    error, reason = override_reason("Emergency", 10_000, "junior", "Paul is on leave; Ana knows them")
    assert error is None
    assert reason == (
        "Paul is on leave; Ana knows them (overrides the assignment rule: Emergency renewals need a senior CSM or "
        "above; this CSM is junior)"
    )
    assert override_reason("Prepare", 10_000, "junior", "") == (None, "")
    assert len(override_reason("Emergency", 10_000, "junior", "x" * 500)[1]) == 500
