"""The order of a renewal queue: urgency first, then time, then score.

A CSM works Emergencies before Criticals before Prepares before Monitors,
within a stage the renewal that is due first, and only then the higher score.
The score alone cannot order a queue: it does not know the days left, and a
Monitor renewal of a large account outscores a small account's Emergency.
"""

from __future__ import annotations

from datetime import date

STAGE_ORDER: tuple[str, ...] = ("Emergency", "Critical", "Prepare", "Monitor")
URGENT_STAGES: tuple[str, ...] = ("Emergency", "Critical")  # what a manager's Team page lists in full


def stage_rank(stage: str) -> int:
    """0 for Emergency … 3 for Monitor; anything else after them."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def queue_key(stage: str, renewal_date: date, score: int) -> tuple[int, date, int]:
    """Sort key of one renewal: sorting by it puts the most urgent first."""
    return (stage_rank(stage), renewal_date, -score)
