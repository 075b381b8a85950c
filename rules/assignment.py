"""Which CSM gets a renewal: the best fit, then the least load.

Fit: a CSM qualifies when their experience reaches the minimum for the stage
(Emergency needs senior, Critical needs mid) and, for accounts above $150k ARR,
at least senior. If nobody qualifies, everybody does (work must land somewhere).

Among the qualified, the account's Salesforce owner keeps it (continuity) unless
they carry more than OWNER_SLACK workflows above the least-loaded qualified CSM;
otherwise the least-loaded qualified CSM wins, ties to the more experienced, then
by email so the choice is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

EXPERIENCE_RANK = {"junior": 0, "mid": 1, "senior": 2, "principal": 3}
STAGE_MIN_EXPERIENCE = {"Emergency": "senior", "Critical": "mid", "Prepare": "junior", "Monitor": "junior"}
HIGH_ARR = 150_000
OWNER_SLACK = 2


@dataclass(frozen=True)
class Candidate:
    email: str
    name: str
    experience: str
    active_workflows: int


@dataclass(frozen=True)
class Assignment:
    csm: Candidate
    reason: str


def _rank(level: str) -> int:
    return EXPERIENCE_RANK.get(level.lower(), 0)


def min_experience(stage: str, arr: float) -> str:
    level = STAGE_MIN_EXPERIENCE.get(stage, "junior")
    if arr > HIGH_ARR and _rank(level) < _rank("senior"):
        level = "senior"
    return level


def assign(stage: str, arr: float, owner_email: str | None, csms: Sequence[Candidate]) -> Assignment:
    if not csms:
        raise ValueError("no CSMs to assign to")
    floor = min_experience(stage, arr)
    qualified = [c for c in csms if _rank(c.experience) >= _rank(floor)]
    why = f"needs {floor}+"
    if not qualified:
        qualified, why = list(csms), f"nobody is {floor}+, so all CSMs considered"
    least = min(c.active_workflows for c in qualified)
    owner = next((c for c in qualified if owner_email and c.email.lower() == owner_email.lower()), None)
    if owner is not None and owner.active_workflows <= least + OWNER_SLACK:
        return Assignment(owner, f"account owner ({why}, {owner.active_workflows} active)")
    best = min(qualified, key=lambda c: (c.active_workflows, -_rank(c.experience), c.email))
    return Assignment(best, f"least loaded ({why}, {best.active_workflows} active)")


def rule_warning(stage: str, arr: float, experience: str) -> str | None:
    """Why handing this renewal to a CSM of `experience` breaks the rule above, or None when it fits."""
    floor = min_experience(stage, arr)
    if _rank(experience) >= _rank(floor):
        return None
    what = f"{stage} renewals" + (f" over ${HIGH_ARR:,}" if arr > HIGH_ARR else "")
    return f"{what} need a {floor} CSM or above; this CSM is {experience}"


def recommend(stage: str, arr: float, current: str, csms: Sequence[Candidate]) -> Candidate | None:
    """The rule's best fit among the CSMs other than the one who has it now (a reassignment moves it away)."""
    others = [c for c in csms if c.email.lower() != current.lower()]
    return assign(stage, arr, None, others).csm if others else None
