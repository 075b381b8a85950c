"""The condition engine of nurture journeys (seed 003): evaluates and explains the conditions
of contracts.journey_definitions against a lead's facts. Pure: facts are passed in.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contracts.journey_definitions import Condition, Group, Operator, Rule


@dataclass(frozen=True)
class Event:
    type: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """Everything a condition can look at, at one moment."""

    lead: Mapping[str, Any]  # standard fields and custom properties, flattened
    events: Sequence[Event] = ()
    step_done_at: Mapping[str, datetime] = field(default_factory=dict)
    now: datetime | None = None
    local_hour: int | None = None
    local_weekday: int | None = None  # Monday = 0


def _compare(actual: Any, op: Operator, expected: Any) -> bool:
    if op == "exists":
        return actual is not None and actual != "" and actual != 0 and actual != []
    if actual is None:
        return False
    if op == "equals":
        if isinstance(actual, str) and isinstance(expected, str):
            return actual.strip().lower() == expected.strip().lower()
        return bool(actual == expected)
    if op == "contains":
        if isinstance(actual, str):
            return str(expected).lower() in actual.lower()
        if isinstance(actual, Sequence):
            return any(_compare(item, "equals", expected) for item in actual)
        return False
    try:
        a, e = float(actual), float(expected)
    except (TypeError, ValueError):
        return False
    return a > e if op == "greater_than" else a < e


def _fact(c: Condition, f: Facts) -> Any:
    if c.type == "property":
        return f.lead.get(c.field)
    if c.type == "engagement":
        return f.lead.get(c.field, 0)
    if c.type == "behavior":
        since = f.step_done_at.get(c.since_step) if c.since_step else None
        matching = [e for e in f.events if e.type == c.field and (since is None or e.at >= since)]
        return len(matching)
    return _time_fact(c.field, f)


def _time_fact(name: str, f: Facts) -> Any:
    if name == "hour_local":
        return f.local_hour
    if name == "weekday_local":
        return f.local_weekday
    ref = {
        "days_since_created": f.lead.get("created_at"),
        "days_since_last_engagement": f.lead.get("last_engaged_at") or f.lead.get("created_at"),
    }.get(name)
    if ref is None or f.now is None:
        return None
    return (f.now - ref).total_seconds() / 86400


def evaluate(rule: Rule, facts: Facts) -> bool:
    if isinstance(rule, Condition):
        return _compare(_fact(rule, facts), rule.operator, rule.value)
    if isinstance(rule, Group):
        if rule.all is not None:
            return all(evaluate(r, facts) for r in rule.all)
        return any(evaluate(r, facts) for r in rule.any or [])
    return _flat(rule, facts)


def _flat(conditions: list[Condition], facts: Facts) -> bool:
    """The seed's flat form: each condition's combine_with joins it to the next, left to right."""
    if not conditions:
        return True
    result = evaluate(conditions[0], facts)
    for previous, current in itertools.pairwise(conditions):
        value = evaluate(current, facts)
        result = (result or value) if previous.combine_with == "OR" else (result and value)
    return result


def explain(rule: Rule, facts: Facts) -> str:
    """A sentence saying why a rule held or not (for dry runs and the journey log)."""
    if isinstance(rule, Condition):
        actual = _fact(rule, facts)
        target = "" if rule.operator == "exists" else f" {rule.value!r}"
        verdict = "yes" if evaluate(rule, facts) else "no"
        since = f" since {rule.since_step}" if rule.since_step else ""
        return f"{rule.type} {rule.field}{since} {rule.operator.replace('_', ' ')}{target}? {verdict} (is {actual!r})"
    if isinstance(rule, Group):
        parts, joiner = (rule.all, " AND ") if rule.all is not None else (rule.any or [], " OR ")
        return "(" + joiner.join(explain(r, facts) for r in parts) + ")"
    return (
        "("
        + " ".join(
            explain(c, facts) + (f" {c.combine_with or 'AND'}" if i < len(rule) - 1 else "") for i, c in enumerate(rule)
        )
        + ")"
    )
