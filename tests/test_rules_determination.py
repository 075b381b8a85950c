from datetime import date

import pytest

from contracts.renewals import Stage
from rules.determination import days_until, determine_stage, escalate, next_stage_change


@pytest.mark.parametrize(
    ("days", "risk", "expected"),
    [
        (0, 71, Stage.EMERGENCY),
        (3, 80, Stage.EMERGENCY),
        (6, 71, Stage.EMERGENCY),
        (6, 70, Stage.CRITICAL),  # <= 6 days with risk <= 70: Critical (documented decision)
        (3, 10, Stage.CRITICAL),
        (7, 99, Stage.CRITICAL),
        (30, 0, Stage.CRITICAL),
        (31, 100, Stage.PREPARE),
        (179, 50, Stage.PREPARE),
        (180, 50, Stage.MONITOR),
        (400, 99, Stage.MONITOR),
        (-1, 90, None),  # renewal date passed
    ],
)
def test_determine_stage_boundaries(days: int, risk: int, expected: Stage | None) -> None:
    assert determine_stage(days, risk) == expected


def test_days_until() -> None:
    assert days_until(date(2026, 11, 25), date(2026, 11, 22)) == 3
    assert days_until(date(2026, 11, 21), date(2026, 11, 22)) == -1


@pytest.mark.parametrize(
    ("current", "proposed", "expected"),
    [
        (Stage.PREPARE, Stage.EMERGENCY, Stage.EMERGENCY),
        (Stage.CRITICAL, Stage.PREPARE, Stage.CRITICAL),  # never de-escalates
        (Stage.MONITOR, Stage.MONITOR, Stage.MONITOR),
        (Stage.EMERGENCY, Stage.CRITICAL, Stage.EMERGENCY),
    ],
)
def test_escalate_only_upwards(current: Stage, proposed: Stage, expected: Stage) -> None:
    assert escalate(current, proposed) == expected


def test_stage_definition_ids() -> None:
    assert [s.definition_id for s in Stage] == [
        "emergency-renewal",
        "critical-renewal",
        "prepare-renewal",
        "monitor-renewal",
    ]


@pytest.mark.parametrize(
    ("renewal", "today", "risk", "expected"),
    [
        (date(2027, 6, 1), date(2026, 11, 22), 80, date(2026, 12, 4)),  # Monitor -> Prepare at 179 days
        (date(2027, 1, 31), date(2026, 11, 22), 80, date(2027, 1, 1)),  # Prepare -> Critical at 30 days
        (date(2026, 12, 10), date(2026, 11, 22), 80, date(2026, 12, 4)),  # Critical -> Emergency at 6 days
        (date(2026, 12, 10), date(2026, 11, 22), 40, date(2026, 12, 11)),  # low risk: next change is expiry
        (date(2026, 11, 25), date(2026, 11, 22), 80, date(2026, 11, 26)),  # Emergency until it passes
    ],
)
def test_next_stage_change(renewal: date, today: date, risk: int, expected: date) -> None:
    assert next_stage_change(renewal, today, risk) == expected
