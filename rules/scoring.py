"""Priority score (seed 001, "Priority Scoring").

    weight = base(type) x ARR multiplier x account-plan weight x CSM experience
    score  = max(0, weight - 2 x the CSM's other open workflows)

Seed example: 90 x 2.0 x 1.5 x 1.1 - 10 = 287. Every factor is kept so the queue
can explain a score.

The workload term is the CSM's load *now* (`live`): it is the same for every
renewal in one queue, so it never reorders a queue, and it is recomputed on every
read instead of frozen at assignment (a frozen term ranked renewals by when they
were assigned). The floor at 0 is a clamp rather than a new formula: it keeps the
seed's numbers wherever they are positive (287 stays 287), a score below zero
meant nothing a CSM could act on, and max(0, x) is monotonic, so a heavier
renewal never scores below a lighter one of the same CSM.
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
    weight: int  # the score before the workload term

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    def explain(self) -> str:
        text = (
            f"{self.base} base × {self.arr_multiplier:g} ARR × {self.plan_weight:g} plan"
            f" × {self.experience_multiplier:g} experience − {self.workload_penalty} workload"
        )
        if self.weight - self.workload_penalty < 0:
            return f"{text} = {self.weight - self.workload_penalty}, shown as {self.score} (never below 0)"
        return f"{text} = {self.score}"


def arr_multiplier(arr: float) -> float:
    for floor, multiplier in ARR_TIERS:
        if arr > floor:
            return multiplier
    return ARR_DEFAULT_MULTIPLIER


def plan_weight(account_plan: str | None) -> float:
    return PLAN_WEIGHTS.get((account_plan or "").lower(), PLAN_DEFAULT_WEIGHT)


def experience_multiplier(level: str) -> float:
    return EXPERIENCE_MULTIPLIERS.get(level.lower(), 1.0)


def workload_penalty(other_open_workflows: int) -> int:
    return WORKLOAD_PENALTY_PER_WORKFLOW * max(other_open_workflows, 0)


def weight_of(definition_id: str, arr: float, account_plan: str | None, csm_experience: str) -> int:
    base = BASE_SCORES[definition_id]
    # round() on the product first: 90*2.0*1.5*1.1 is 297.00000000000006 in floats.
    return round(
        round(base * arr_multiplier(arr) * plan_weight(account_plan) * experience_multiplier(csm_experience), 6)
    )


def priority_score(
    definition_id: str, arr: float, account_plan: str | None, csm_experience: str, csm_active_workflows: int
) -> PriorityFactors:
    """`csm_active_workflows`: the CSM's open workflows other than this one."""
    weight = weight_of(definition_id, arr, account_plan, csm_experience)
    penalty = workload_penalty(csm_active_workflows)
    return PriorityFactors(
        BASE_SCORES[definition_id],
        arr_multiplier(arr),
        plan_weight(account_plan),
        experience_multiplier(csm_experience),
        penalty,
        max(weight - penalty, 0),
        weight,
    )


def stored_weight(factors: dict[str, float | int]) -> int:
    """The weight of stored factors; rows written before it was kept had the unclamped score."""
    if "weight" in factors:
        return int(factors["weight"])
    return int(factors.get("score", 0)) + int(factors.get("workload_penalty", 0))


def live(factors: dict[str, float | int], csm_open_workflows: int) -> PriorityFactors:
    """Stored factors re-scored with the CSM's load now (`csm_open_workflows` counts this renewal too)."""
    weight = stored_weight(factors)
    penalty = workload_penalty(csm_open_workflows - 1)
    return PriorityFactors(
        int(factors.get("base", 0)),
        float(factors.get("arr_multiplier", 1.0)),
        float(factors.get("plan_weight", 1.0)),
        float(factors.get("experience_multiplier", 1.0)),
        penalty,
        max(weight - penalty, 0),
        weight,
    )
