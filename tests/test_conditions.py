"""The journey condition engine: table tests and properties (hypothesis)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.journey_definitions import Condition, Group
from rules.conditions import Event, Facts, evaluate, explain

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
LEAD = {
    "region": "California",
    "source": "Instagram",
    "score": 72,
    "tags": ["yoga", "pt"],
    "created_at": NOW - timedelta(days=40),
    "last_engaged_at": NOW - timedelta(days=31),
    "email": "a@b.c",
}
EVENTS = [
    Event("opened", NOW - timedelta(days=3)),
    Event("opened", NOW - timedelta(hours=1)),
    Event("clicked", NOW - timedelta(hours=2)),
]
FACTS = Facts(
    lead=LEAD, events=EVENTS, step_done_at={"welcome": NOW - timedelta(days=2)}, now=NOW, local_hour=9, local_weekday=2
)


def c(kind: str, field: str, op: str, value: object = None, **kw: object) -> Condition:
    return Condition(type=kind, field=field, operator=op, value=value, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (c("property", "region", "equals", "california"), True),
        (c("property", "region", "equals", "Texas"), False),
        (c("property", "source", "contains", "gram"), True),
        (c("property", "tags", "contains", "yoga"), True),
        (c("property", "tags", "contains", "spin"), False),
        (c("property", "phone", "exists"), False),
        (c("property", "email", "exists"), True),
        (c("engagement", "score", "greater_than", 70), True),
        (c("engagement", "score", "less_than", 70), False),
        (c("behavior", "opened", "exists"), True),
        (c("behavior", "opened", "greater_than", 1), True),
        (c("behavior", "opened", "equals", 1, since_step="welcome"), True),  # only the open after the welcome step
        (c("behavior", "replied", "exists"), False),
        (c("time", "days_since_last_engagement", "greater_than", 30), True),
        (c("time", "days_since_created", "less_than", 30), False),
        (c("time", "hour_local", "less_than", 10), True),
        (c("property", "score", "greater_than", "not a number"), False),
    ],
)
def test_conditions(condition: Condition, expected: bool) -> None:
    assert evaluate(condition, FACTS) is expected


def test_groups_and_the_seed_flat_form() -> None:
    ca = c("property", "region", "equals", "California")
    tx = c("property", "region", "equals", "Texas")
    hot = c("engagement", "score", "greater_than", 80)
    assert evaluate(Group(any=[tx, Group(all=[ca, c("behavior", "clicked", "exists")])]), FACTS)
    assert not evaluate(Group(all=[ca, hot]), FACTS)
    # Flat: (Texas OR California) AND score > 80  -> False; (Texas AND California) OR opened -> True
    or_then_and = [tx.model_copy(update={"combine_with": "OR"}), ca.model_copy(update={"combine_with": "AND"}), hot]
    assert not evaluate(or_then_and, FACTS)
    assert evaluate([tx, ca.model_copy(update={"combine_with": "OR"}), c("behavior", "opened", "exists")], FACTS)


def test_validation_and_explanation() -> None:
    with pytest.raises(ValueError, match="needs a value"):
        c("property", "region", "equals")
    with pytest.raises(ValueError, match="exactly one"):
        Group(all=[], any=[])
    text = explain(c("engagement", "score", "greater_than", 80), FACTS)
    assert text == "engagement score greater than 80? no (is 72)"


conditions = st.builds(
    Condition,
    type=st.just("engagement"),
    field=st.sampled_from(["score", "opens"]),
    operator=st.sampled_from(["equals", "greater_than", "less_than", "exists"]),
    value=st.integers(-5, 105),
)
facts = st.builds(
    lambda score, opens: Facts(lead={"score": score, "opens": opens}), st.integers(0, 100), st.integers(0, 20)
)


@given(conditions, facts)
def test_a_group_of_one_is_the_condition(cond: Condition, f: Facts) -> None:
    assert evaluate(Group(all=[cond]), f) == evaluate(cond, f) == evaluate(Group(any=[cond]), f)


@given(st.lists(conditions, min_size=1, max_size=6), facts)
def test_all_and_any_match_python(conds: list[Condition], f: Facts) -> None:
    values = [evaluate(x, f) for x in conds]
    assert evaluate(Group(all=conds), f) == all(values)
    assert evaluate(Group(any=conds), f) == any(values)
    # The flat form with every join AND (the default) is `all`.
    assert evaluate(conds, f) == all(values)


@given(st.integers(0, 100), st.integers(0, 100))
def test_greater_and_less_are_exclusive(score: int, threshold: int) -> None:
    f = Facts(lead={"score": score})
    gt = evaluate(c("engagement", "score", "greater_than", threshold), f)
    lt = evaluate(c("engagement", "score", "less_than", threshold), f)
    eq = evaluate(c("engagement", "score", "equals", threshold), f)
    assert [gt, lt, eq].count(True) == 1


@given(st.text(max_size=20), st.text(max_size=5))
def test_contains_is_case_insensitive_substring(text: str, needle: str) -> None:
    f = Facts(lead={"note": text})
    assert evaluate(c("property", "note", "contains", needle), f) == (needle.lower() in text.lower())
