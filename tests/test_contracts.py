"""The contracts running workflows, schedules and scripts depend on: every id format byte for byte, and every
workflow type and message name declared through contracts.names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from temporalio.workflow import _Definition

from contracts import ids, names
from worker import WORKFLOWS

AT = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC)


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        (ids.intelligence("acme-corp"), "customer-intel-acme-corp"),
        (ids.renewal("acme-corp", date(2026, 11, 25)), "renewal-acme-corp-2026-11-25"),
        (
            ids.renewal_action("renewal-acme-corp-2026-11-25", "emergency-renewal", "assess-risk", "scheduleCall", 2),
            "renewal-acme-corp-2026-11-25:emergency-renewal:assess-risk:scheduleCall:2",
        ),
        (ids.agent_schedule("past_due_monitor"), "agent-past_due_monitor"),
        (ids.agent_run("past_due_monitor"), "agent-run-past_due_monitor"),
        (ids.agent_run_manual("past_due_monitor", AT), "agent-run-past_due_monitor-manual-20260304T050607000089"),
        (ids.schedule_change("re_engagement", AT), "schedule-change-re_engagement-20260304T050607000089"),
        (ids.triage("msg-123"), "triage-msg-123"),
        (ids.journey("welcome-series", "lead-9"), "journey-welcome-series-lead-9"),
        (ids.journey_sweep("re-engagement"), "journey-sweep-re-engagement"),
        (ids.INBOX_SYNC, "inbox-sync"),
    ],
)
def test_id_formats_never_change(built: str, expected: str) -> None:
    assert built == expected


def test_staff_reply_ids_are_unique_and_keep_their_format() -> None:
    first, second = ids.staff_reply(), ids.staff_reply()
    assert first != second
    assert first.startswith("staff-reply-") and len(first) == len("staff-reply-") + 12


NAMES = {value for key, value in vars(names).items() if key.isupper()}


@pytest.mark.parametrize("cls", WORKFLOWS, ids=[w.__name__ for w in WORKFLOWS])
def test_workflows_are_named_through_contracts(cls: type) -> None:
    defn = _Definition.must_from_class(cls)
    assert defn.name == cls.__name__  # the name it had before names were explicit (histories and schedules use it)
    assert defn.name in NAMES
    handlers = {*defn.signals, *defn.queries, *defn.updates}
    assert handlers <= NAMES, f"{defn.name}: name these handlers in contracts.names: {handlers - NAMES}"


def test_every_name_is_declared_by_a_workflow() -> None:
    declared: set[str | None] = set()
    for cls in WORKFLOWS:
        defn = _Definition.must_from_class(cls)
        declared |= {defn.name, *defn.signals, *defn.queries, *defn.updates}
    assert declared >= NAMES, f"not declared by any workflow: {NAMES - declared}"


def test_a_duration_too_long_to_represent_is_a_validation_error() -> None:
    """Schemathesis found `after: "47805191389721100419.35w"` in a dry run: an OverflowError, a 500."""
    from pydantic import ValidationError

    from api.journey_service import DryRunBody
    from journeys.schema import parse_duration

    assert DryRunBody.model_validate({"events": [{"type": "opened", "after": "1.5 d"}]}).events[0].after == "1.5 d"
    with pytest.raises(ValidationError, match=r"events\.0\.after"):
        DryRunBody.model_validate({"events": [{"type": "opened", "after": "47805191389721100419.35w"}]})
    with pytest.raises(ValueError, match="too long"):
        parse_duration("9" * 400 + "w")
