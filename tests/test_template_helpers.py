"""The one seconds formatter the pages use, for a run's length and a journey step's average alike."""

from __future__ import annotations

from typing import Any

import pytest

from api.template_helpers import duration


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        ("not a number", "—"),
        (0, "0s"),
        (59.9, "59s"),
        (60, "1m 00s"),
        (605, "10m 05s"),
        (3600, "1h 00m"),
        (172_799, "47h 59m"),
        (172_800, "2.0 days"),
        (216_000, "2.5 days"),
    ],
)
def test_duration(seconds: Any, shown: str) -> None:
    assert duration(seconds) == shown
