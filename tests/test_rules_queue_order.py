"""Queue order: stage first (Emergency, Critical, Prepare, Monitor), then the renewal due first, then score."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.queue_order import STAGE_ORDER, queue_key, stage_rank
from rules.scoring import live, priority_score

DAY = date(2026, 12, 4)
DEFINITION = {
    "Emergency": "emergency-renewal",
    "Critical": "critical-renewal",
    "Prepare": "prepare-renewal",
    "Monitor": "monitor-renewal",
}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a small Emergency above a huge Monitor (the score alone put it 12th)
        ([("Monitor", 300, 999), ("Emergency", 3, 35)], ["Emergency", "Monitor"]),
        ([("Prepare", 40, 300), ("Critical", 20, 10), ("Monitor", 400, 500)], ["Critical", "Prepare", "Monitor"]),
        # within a stage: due first, then the higher score
        ([("Critical", 20, 200), ("Critical", 10, 50), ("Critical", 10, 80)], [80, 50, 200]),
    ],
)
def test_table(rows: list[tuple[str, int, int]], expected: list[object]) -> None:
    ordered = sorted(rows, key=lambda r: queue_key(r[0], DAY + timedelta(days=r[1]), r[2]))
    got = [r[0] for r in ordered] if isinstance(expected[0], str) else [r[2] for r in ordered]
    assert got == expected


def test_stage_rank() -> None:
    assert [stage_rank(s) for s in (*STAGE_ORDER, "other")] == [0, 1, 2, 3, 4]


renewal = st.tuples(
    st.sampled_from(STAGE_ORDER),
    st.integers(0, 365),
    st.floats(0, 500_000),
    st.sampled_from(["invest", "expand", "manage", "monitor"]),
)


@given(renewals=st.lists(renewal, min_size=2, max_size=40), level=st.sampled_from(["junior", "senior"]))
def test_a_riskier_closer_larger_renewal_never_ranks_below_a_calmer_one(
    renewals: list[tuple[str, int, float, str]], level: str
) -> None:
    """One CSM's queue, scored live with its load (the number of renewals): if A is at least as urgent,
    as close and as large (same plan) as B, A never comes after B."""
    load = len(renewals)
    keyed = []
    for stage, days, arr, plan in renewals:
        score = live(priority_score(DEFINITION[stage], arr, plan, level, 0).as_dict(), load).score
        assert score >= 0
        keyed.append((queue_key(stage, DAY + timedelta(days=days), score), stage, days, arr, plan))
    ordered = sorted(keyed, key=lambda k: k[0])
    for i, (key_a, stage_a, days_a, arr_a, plan_a) in enumerate(ordered):
        for key_b, stage_b, days_b, arr_b, plan_b in ordered[i + 1 :]:
            # b comes after a: b must not dominate a strictly
            dominates = (
                stage_rank(stage_b) <= stage_rank(stage_a)
                and days_b <= days_a
                and arr_b >= arr_a
                and plan_a == plan_b
                and (stage_b, days_b, arr_b) != (stage_a, days_a, arr_a)
            )
            if dominates:
                assert key_b == key_a  # only as a tie on every key (same stage and day, equal score)
