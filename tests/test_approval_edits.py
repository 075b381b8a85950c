"""'Edit before send' must edit: blank or unchanged edits are refused with a message, never sent as the draft."""

from __future__ import annotations

import pytest

from rules.approvals import check_edits

DRAFT = {"body": "Hi Sam, your balance is $40."}


@pytest.mark.parametrize(
    ("edits", "says"),
    [
        ({"body": "   "}, "The edited text is empty"),
        ({}, "The edited text is empty"),
        ({"body": "Hi Sam, your balance is $40."}, "Nothing was changed"),
        ({"body": "  Hi Sam, your balance is $40.\n"}, "Nothing was changed"),
    ],
)
def test_blank_or_unchanged_edits_are_refused(edits: dict[str, str], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        check_edits(DRAFT, edits)


def test_a_real_edit_or_no_edit_passes() -> None:
    check_edits(DRAFT, {"body": "Hi Sam, your balance is $40. Call us any time."})
    check_edits(DRAFT, None)  # approve as drafted
    check_edits(None, {"body": "Hi"})  # not editable: the workflow's validator refuses it, saying so
