"""The offline risk rules, as one pure function.

Start at 20, then add:

  usage trend below 0          |trend| x 1.2 points, at most 35
  utilisation below 50%        10 (only when the licensed seat count is known)
  each open support case       3, at most 15
  each open Escalated/Critical another 5, at most 10
  engagement score below 40    10
  NPS of 0 or less             5
  QBR overdue                  5

and clamp to 0..100 (rounded half up). When the webhook signal carried Active's own
risk score the final risk is max(signal, computed): the offline rules never understate a
risk a source reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llm.wording import plural

BASE_RISK = 20
USAGE_POINTS_PER_PCT = 1.2
USAGE_CAP = 35
LOW_UTILISATION = 0.5
LOW_UTILISATION_POINTS = 10
OPEN_CASE_POINTS, OPEN_CASE_CAP = 3, 15
ESCALATED_CASE_POINTS, ESCALATED_CASE_CAP = 5, 10
LOW_ENGAGEMENT = 40
LOW_ENGAGEMENT_POINTS = 10
LOW_NPS = 0
LOW_NPS_POINTS = 5
QBR_OVERDUE_POINTS = 5


@dataclass(frozen=True)
class RiskInputs:
    usage_trend: float = 0.0  # percent
    utilisation: float | None = None  # 0..1
    open_cases: int = 0
    escalated_cases: int = 0
    engagement_score: int | None = None
    nps: int | None = None
    qbr_overdue: bool = False


@dataclass(frozen=True)
class RiskFactor:
    reason: str  # a phrase that completes "Risk is raised by ..."
    points: float


@dataclass(frozen=True)
class RiskAssessment:
    computed: int
    factors: tuple[RiskFactor, ...]
    signal_risk: int | None = None

    @property
    def score(self) -> int:
        return self.computed if self.signal_risk is None else max(self.computed, self.signal_risk)

    @property
    def signal_raised(self) -> bool:
        """The reported risk, not the computed one, decided the score."""
        return self.signal_risk is not None and self.signal_risk > self.computed


def compute_risk(inputs: RiskInputs) -> tuple[int, tuple[RiskFactor, ...]]:
    """The computed risk (0..100) and the factors that added to it."""
    factors: list[RiskFactor] = []
    if inputs.usage_trend < 0:
        points = min(abs(inputs.usage_trend) * USAGE_POINTS_PER_PCT, USAGE_CAP)
        factors.append(RiskFactor(f"weekly active users down {abs(inputs.usage_trend):.1f}%", points))
    if inputs.utilisation is not None and inputs.utilisation < LOW_UTILISATION:
        reason = f"only {inputs.utilisation:.0%} of licensed seats in use"
        factors.append(RiskFactor(reason, LOW_UTILISATION_POINTS))
    if inputs.open_cases > 0:
        points = min(inputs.open_cases * OPEN_CASE_POINTS, OPEN_CASE_CAP)
        factors.append(RiskFactor(plural(inputs.open_cases, "open support case"), points))
    if inputs.escalated_cases > 0:
        points = min(inputs.escalated_cases * ESCALATED_CASE_POINTS, ESCALATED_CASE_CAP)
        factors.append(RiskFactor(plural(inputs.escalated_cases, "escalated or critical case"), points))
    if inputs.engagement_score is not None and inputs.engagement_score < LOW_ENGAGEMENT:
        factors.append(RiskFactor(f"low engagement ({inputs.engagement_score}/100)", LOW_ENGAGEMENT_POINTS))
    if inputs.nps is not None and inputs.nps <= LOW_NPS:
        factors.append(RiskFactor(f"NPS of {inputs.nps}", LOW_NPS_POINTS))
    if inputs.qbr_overdue:
        factors.append(RiskFactor("an overdue QBR", QBR_OVERDUE_POINTS))
    total = BASE_RISK + sum(f.points for f in factors)
    return _clamp(math.floor(total + 0.5)), tuple(factors)


def assess_risk(inputs: RiskInputs, signal_risk: int | None = None) -> RiskAssessment:
    computed, factors = compute_risk(inputs)
    reported = None if signal_risk is None else _clamp(signal_risk)
    return RiskAssessment(computed=computed, factors=factors, signal_risk=reported)


def _clamp(score: int) -> int:
    return max(0, min(100, score))
