"""Priority score (seed 001, "Priority Scoring").

    score = base(type) x ARR multiplier x account-plan weight x CSM experience
            - 2 x the CSM's active workflows

Seed example: 90 x 2.0 x 1.5 x 1.1 - 10 = 287. Every factor is kept so the queue
can explain a score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

BASE_SCORES: dict[str, int] = {
    "emergency-renewal": 90,
    "critical-renewal": 70,
    "prepare-renewal": 40,
    "monitor-renewal": 20,
    "qbr": 30,
    "health-check": 25,
}

# (exclusive lower bound of ARR in dollars, multiplier), checked top-down.
ARR_TIERS: tuple[tuple[int, float], ...] = ((150_000, 2.0), (100_000, 1.5), (50_000, 1.2))
ARR_DEFAULT_MULTIPLIER = 1.0

PLAN_WEIGHTS: dict[str, float] = {"invest": 1.5, "expand": 1.2, "manage": 1.0, "monitor": 0.8}
PLAN_DEFAULT_WEIGHT = 1.0

EXPERIENCE_MULTIPLIERS: dict[str, float] = {"junior": 0.9, "mid": 1.0, "senior": 1.1, "principal": 1.2}
WORKLOAD_PENALTY_PER_WORKFLOW = 2


@dataclass(frozen=True)
class PriorityFactors:
    base: int
    arr_multiplier: float
    plan_weight: float
    experience_multiplier: float
    workload_penalty: int
    score: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    def explain(self) -> str:
        return (
            f"{self.base} base × {self.arr_multiplier:g} ARR × {self.plan_weight:g} plan"
            f" × {self.experience_multiplier:g} experience − {self.workload_penalty} workload"
            f" = {self.score}"
        )


def arr_multiplier(arr: float) -> float:
    for floor, multiplier in ARR_TIERS:
        if arr > floor:
            return multiplier
    return ARR_DEFAULT_MULTIPLIER


def plan_weight(account_plan: str | None) -> float:
    return PLAN_WEIGHTS.get((account_plan or "").lower(), PLAN_DEFAULT_WEIGHT)


def experience_multiplier(level: str) -> float:
    return EXPERIENCE_MULTIPLIERS.get(level.lower(), 1.0)


def priority_score(
    definition_id: str, arr: float, account_plan: str | None, csm_experience: str, csm_active_workflows: int
) -> PriorityFactors:
    base = BASE_SCORES[definition_id]
    arr_m = arr_multiplier(arr)
    plan_w = plan_weight(account_plan)
    exp_m = experience_multiplier(csm_experience)
    penalty = WORKLOAD_PENALTY_PER_WORKFLOW * max(csm_active_workflows, 0)
    # round() on the product first: 90*2.0*1.5*1.1 is 297.00000000000006 in floats.
    score = round(round(base * arr_m * plan_w * exp_m, 6)) - penalty
    return PriorityFactors(base, arr_m, plan_w, exp_m, penalty, score)
