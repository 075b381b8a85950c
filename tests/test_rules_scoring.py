import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.scoring import (
    arr_multiplier,
    experience_multiplier,
    live,
    plan_weight,
    priority_score,
    stored_weight,
)


def test_seed_worked_example_is_287() -> None:
    # Seed 001: (90 base x 2.0 ARR x 1.5 plan x 1.1 experience) - 10 workload = 287
    factors = priority_score(
        "emergency-renewal",
        arr=200_000,
        account_plan="invest",
        csm_experience="senior",
        csm_active_workflows=5,
    )
    assert factors.score == 287
    assert (
        factors.base,
        factors.arr_multiplier,
        factors.plan_weight,
        factors.experience_multiplier,
        factors.workload_penalty,
    ) == (90, 2.0, 1.5, 1.1, 10)
    assert factors.explain() == "90 base × 2 ARR × 1.5 plan × 1.1 experience − 10 workload = 287"


@pytest.mark.parametrize(
    ("arr", "expected"),
    [(150_001, 2.0), (150_000, 1.5), (100_001, 1.5), (100_000, 1.2), (50_001, 1.2), (50_000, 1.0), (0, 1.0)],
)
def test_arr_tiers(arr: float, expected: float) -> None:
    assert arr_multiplier(arr) == expected


@pytest.mark.parametrize(
    ("plan", "expected"),
    [("invest", 1.5), ("Expand", 1.2), ("manage", 1.0), ("monitor", 0.8), (None, 1.0), ("unknown", 1.0)],
)
def test_plan_weights(plan: str | None, expected: float) -> None:
    assert plan_weight(plan) == expected


@pytest.mark.parametrize(
    ("level", "expected"), [("junior", 0.9), ("mid", 1.0), ("senior", 1.1), ("principal", 1.2), ("?", 1.0)]
)
def test_experience(level: str, expected: float) -> None:
    assert experience_multiplier(level) == expected


@pytest.mark.parametrize(
    ("definition", "base"),
    [("emergency-renewal", 90), ("critical-renewal", 70), ("prepare-renewal", 40), ("monitor-renewal", 20)],
)
def test_base_scores(definition: str, base: int) -> None:
    assert priority_score(definition, 10_000, "manage", "mid", 0).score == base


def test_workload_penalty_two_per_active_workflow() -> None:
    none = priority_score("critical-renewal", 10_000, "manage", "mid", 0).score
    assert priority_score("critical-renewal", 10_000, "manage", "mid", 7).score == none - 14
    assert priority_score("critical-renewal", 10_000, "manage", "mid", -3).score == none


@pytest.mark.parametrize(
    ("definition", "plan", "level", "others", "score", "explained"),
    [
        ("emergency-renewal", "invest", "senior", 5, 287, "= 287"),  # the seed's example
        ("monitor-renewal", "monitor", "junior", 29, 0, "= -44, shown as 0 (never below 0)"),  # 14 - 58
        ("critical-renewal", "manage", "mid", 35, 0, "= 0"),  # 70 - 70
    ],
)
def test_a_score_is_never_negative(
    definition: str, plan: str, level: str, others: int, score: int, explained: str
) -> None:
    factors = priority_score(definition, 10_000 if definition != "emergency-renewal" else 200_000, plan, level, others)
    assert factors.score == score and factors.explain().endswith(explained)


def test_the_live_score_uses_the_load_now_and_matches_a_fresh_assignment() -> None:
    at_assignment = priority_score("emergency-renewal", 200_000, "invest", "senior", 5)
    stored = {**at_assignment.as_dict(), "explanation": at_assignment.explain()}
    assert live(stored, 6).score == 287  # 6 open including this one: 5 others, as when it was assigned
    assert live(stored, 31).score == 297 - 60  # the CSM took on 25 more since
    assert live(stored, 1).score == 297
    # rows stored before the weight was kept: their score had the workload term of assignment subtracted
    assert stored_weight({"score": 287, "workload_penalty": 10}) == 297
    assert live({"score": 287, "workload_penalty": 10}, 11).score == 277


LEVELS = st.sampled_from(["junior", "mid", "senior", "principal"])
PLANS = st.sampled_from(["invest", "expand", "manage", "monitor", None])
URGENCY = ["monitor-renewal", "prepare-renewal", "critical-renewal", "emergency-renewal"]


@given(
    calmer=st.integers(0, 3),
    step=st.integers(0, 3),
    arr=st.floats(0, 1_000_000),
    more_arr=st.floats(0, 1_000_000),
    plan=PLANS,
    level=LEVELS,
    load=st.integers(1, 400),
)
def test_a_riskier_larger_renewal_never_scores_below_a_calmer_one_of_the_same_csm(
    calmer: int, step: int, arr: float, more_arr: float, plan: str | None, level: str, load: int
) -> None:
    """Same CSM, so the same load now: the more urgent stage and the larger ARR never score lower,
    and no score is negative, however loaded the CSM."""
    riskier = URGENCY[min(calmer + step, 3)]
    calm = live(priority_score(URGENCY[calmer], arr, plan, level, 0).as_dict(), load)
    risky = live(priority_score(riskier, arr + more_arr, plan, level, 0).as_dict(), load)
    assert risky.score >= calm.score >= 0
    assert calm.score == max(calm.weight - 2 * (load - 1), 0)


def test_unknown_definition_is_an_error() -> None:
    with pytest.raises(KeyError):
        priority_score("nope", 1, None, "mid", 0)
