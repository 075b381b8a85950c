"""Which renewal workflow a customer gets (seed 001, "Workflow Determination").

Seed rules, in order:
  days <= 6 and risk > 70  -> Emergency
  days <= 30               -> Critical
  31 <= days <= 179        -> Prepare
  otherwise (>= 180)       -> Monitor

Decision for "<= 6 days with risk <= 70": Critical. The seed's rule chain already
sends it there (it is <= 30 days), and a low-risk account a few days out still needs
the full critical checklist, but not the executive-escalation path of Emergency.

A renewal date in the past yields no stage: the period is over (`None`).
"""

from __future__ import annotations

from datetime import date, timedelta

from contracts.renewals import Stage

EMERGENCY_MAX_DAYS = 6
EMERGENCY_MIN_RISK_EXCLUSIVE = 70
CRITICAL_MAX_DAYS = 30
PREPARE_MAX_DAYS = 179


def days_until(renewal_date: date, today: date) -> int:
    return (renewal_date - today).days


def determine_stage(days_until_renewal: int, risk_score: int) -> Stage | None:
    if days_until_renewal < 0:
        return None
    if days_until_renewal <= EMERGENCY_MAX_DAYS and risk_score > EMERGENCY_MIN_RISK_EXCLUSIVE:
        return Stage.EMERGENCY
    if days_until_renewal <= CRITICAL_MAX_DAYS:
        return Stage.CRITICAL
    if days_until_renewal <= PREPARE_MAX_DAYS:
        return Stage.PREPARE
    return Stage.MONITOR


def escalate(current: Stage, proposed: Stage) -> Stage:
    """A new signal may raise the stage, never lower it mid-renewal."""
    return proposed if proposed.urgency > current.urgency else current


def next_stage_change(renewal_date: date, today: date, risk_score: int) -> date | None:
    """The first day after `today` on which `determine_stage` answers differently.

    Lets a running renewal wake up and escalate as the date approaches
    (Monitor -> Prepare at 179 days, Prepare -> Critical at 30, ...).
    """
    current = determine_stage(days_until(renewal_date, today), risk_score)
    for boundary in (PREPARE_MAX_DAYS, CRITICAL_MAX_DAYS, EMERGENCY_MAX_DAYS, -1):
        day = renewal_date - timedelta(days=boundary)
        if day > today and determine_stage(boundary, risk_score) != current:
            return day
    return None
