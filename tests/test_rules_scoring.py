import pytest

from rules.scoring import arr_multiplier, experience_multiplier, plan_weight, priority_score


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


def test_unknown_definition_is_an_error() -> None:
    with pytest.raises(KeyError):
        priority_score("nope", 1, None, "mid", 0)
