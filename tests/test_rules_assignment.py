import pytest

from rules.assignment import Candidate, assign, min_experience

TEAM = [
    Candidate("ana@x", "Ana", "junior", 2),
    Candidate("ben@x", "Ben", "mid", 4),
    Candidate("sarah@x", "Sarah", "senior", 5),
    Candidate("paul@x", "Paul", "principal", 9),
]


@pytest.mark.parametrize(
    ("stage", "arr", "expected"),
    [
        ("Emergency", 10_000, "senior"),
        ("Critical", 10_000, "mid"),
        ("Prepare", 10_000, "junior"),
        ("Monitor", 200_000, "senior"),
        ("Critical", 150_000, "mid"),
        ("Critical", 150_001, "senior"),
    ],
)
def test_min_experience(stage: str, arr: float, expected: str) -> None:
    assert min_experience(stage, arr) == expected


def test_least_loaded_qualified_wins() -> None:
    assert assign("Emergency", 10_000, None, TEAM).csm.email == "sarah@x"
    assert assign("Critical", 10_000, None, TEAM).csm.email == "ben@x"
    assert assign("Prepare", 10_000, None, TEAM).csm.email == "ana@x"


def test_owner_keeps_account_within_slack() -> None:
    # Ben (owner) has 4, the least loaded junior has 2: 4 <= 2 + 2, so the owner keeps it.
    result = assign("Prepare", 10_000, "BEN@x", TEAM)
    assert result.csm.email == "ben@x" and "owner" in result.reason


def test_overloaded_owner_loses_account() -> None:
    result = assign("Emergency", 10_000, "paul@x", TEAM)
    assert result.csm.email == "sarah@x" and "least loaded" in result.reason


def test_tie_goes_to_more_experienced_then_email() -> None:
    team = [
        Candidate("b@x", "B", "senior", 1),
        Candidate("a@x", "A", "principal", 1),
        Candidate("c@x", "C", "principal", 1),
    ]
    assert assign("Emergency", 1, None, team).csm.email == "a@x"


def test_nobody_qualified_falls_back_to_everyone() -> None:
    juniors = [Candidate("a@x", "A", "junior", 3), Candidate("b@x", "B", "junior", 1)]
    result = assign("Emergency", 1, None, juniors)
    assert result.csm.email == "b@x" and "nobody is senior+" in result.reason


def test_empty_team_is_an_error() -> None:
    with pytest.raises(ValueError):
        assign("Critical", 1, None, [])
