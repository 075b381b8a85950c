from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.frequency import in_quiet_hours, next_allowed

NOON_NY = datetime(2026, 11, 23, 17, tzinfo=UTC)  # 12:00 in New York


def test_under_the_cap_in_the_day_sends_now() -> None:
    sent = [NOON_NY - timedelta(hours=3), NOON_NY - timedelta(hours=1)]
    assert next_allowed(NOON_NY, "America/New_York", sent) is None


def test_cap_reached_waits_for_the_oldest_to_leave_the_window() -> None:
    sent = [NOON_NY - timedelta(hours=h) for h in (20, 5, 1)]
    assert next_allowed(NOON_NY, "America/New_York", sent) == NOON_NY + timedelta(hours=4)


def test_quiet_hours_in_the_leads_time_zone() -> None:
    late_la = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)  # 22:30 in Los Angeles, 01:30 in New York
    allowed = next_allowed(late_la, "America/Los_Angeles", [])
    assert allowed == datetime(2026, 11, 24, 16, tzinfo=UTC)  # 08:00 in Los Angeles
    assert next_allowed(late_la, "Asia/Tokyo", []) is None  # 15:30 in Tokyo


def test_cap_pushing_into_quiet_hours_moves_to_morning() -> None:
    evening = datetime(2026, 11, 24, 0, tzinfo=UTC)  # 19:00 New York
    sent = [evening - timedelta(hours=h) for h in (21, 2, 1)]  # frees up at 22:00 local: quiet
    assert next_allowed(evening, "America/New_York", sent) == datetime(2026, 11, 24, 13, tzinfo=UTC)


@pytest.mark.parametrize(("hour", "quiet"), [(20, False), (21, True), (23, True), (0, True), (7, True), (8, False)])
def test_quiet_hour_boundaries(hour: int, quiet: bool) -> None:
    assert in_quiet_hours(datetime(2026, 1, 1, hour)) is quiet


@given(st.lists(st.integers(0, 48 * 60), max_size=8), st.integers(1, 5))
def test_never_more_than_cap_in_any_window(minutes_ago: list[int], cap: int) -> None:
    sent = [NOON_NY - timedelta(minutes=m) for m in minutes_ago]
    at = next_allowed(NOON_NY, "UTC", sent, cap=cap, quiet=None) or NOON_NY
    in_window = [t for t in sent if at - t < timedelta(hours=24)]
    assert len(in_window) < cap or at > NOON_NY
    assert len([t for t in sent if at - t < timedelta(hours=24)]) < cap
