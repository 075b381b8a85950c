"""The Salesforce Task external key (Renubu_Key__c) fits Salesforce's 80 characters for every customer
id, definition, step and button, and stays the same for the same click (idempotent retries)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clients.salesforce import TASK_KEY_MAX, task_external_key
from contracts import ids
from contracts.renewal_definitions import ACTIVITY_ACTIONS
from definitions.registry import all_definitions

LONGEST_SEEDED_ID = "silverline-manufacturing"  # the longest of the sandbox's 240 seeded accounts (seed 42)
STEPS = sorted((d.id, s.id) for d in all_definitions().values() for s in d.steps)
customer_ids = st.one_of(
    st.just(LONGEST_SEEDED_ID),
    st.just("x" * 200),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=200),
    st.text(min_size=1, max_size=200),
)


def key_for(customer: str, renewal: date, definition: str, step: str, action: str, n: int) -> str:
    return task_external_key(ids.renewal_action(ids.renewal(customer, renewal), definition, step, action, n))


@given(
    customer=customer_ids,
    renewal=st.dates(min_value=date(2020, 1, 1), max_value=date(2099, 12, 31)),
    step=st.sampled_from(STEPS),
    action=st.sampled_from(sorted(ACTIVITY_ACTIONS)),
    n=st.integers(min_value=1, max_value=10_000),
)
def test_every_key_fits_and_is_stable(customer: str, renewal: date, step: tuple[str, str], action: str, n: int) -> None:
    key = key_for(customer, renewal, *step, action, n)
    assert len(key) <= TASK_KEY_MAX
    assert key == key_for(customer, renewal, *step, action, n)  # a retry upserts the same Task


@given(
    customer=customer_ids,
    step=st.sampled_from(STEPS),
    n=st.integers(min_value=1, max_value=10_000),
)
def test_a_second_click_or_another_customer_gets_another_key(customer: str, step: tuple[str, str], n: int) -> None:
    renewal = date(2026, 12, 1)
    key = key_for(customer, renewal, *step, "scheduleCall", n)
    assert key != key_for(customer, renewal, *step, "scheduleCall", n + 1)
    assert key != key_for(customer + "-2", renewal, *step, "scheduleCall", n)
    assert key != key_for(customer, renewal, *step, "createTask", n)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("short-key", "short-key"),  # keys that fit are sent unchanged: tasks made before keep their key
        ("k" * 80, "k" * 80),
        ("k" * 81, "k" * 47 + "~163f6a3740ab11b44432de8bd109ffe8"),  # head + SHA-256 of the whole key
    ],
)
def test_keys_that_fit_are_unchanged_and_longer_ones_end_in_a_digest(raw: str, expected: str) -> None:
    assert task_external_key(raw) == expected


def test_the_longest_seeded_id_was_too_long_before_and_fits_now() -> None:
    for definition, step in STEPS:
        for action in ACTIVITY_ACTIONS:
            raw = ids.renewal_action(ids.renewal(LONGEST_SEEDED_ID, date(2026, 12, 1)), definition, step, action, 1)
            assert len(task_external_key(raw)) <= TASK_KEY_MAX
    raw = ids.renewal_action(
        ids.renewal(LONGEST_SEEDED_ID, date(2026, 12, 1)), "emergency-renewal", "assess-risk", "scheduleCall", 1
    )
    assert len(raw) > TASK_KEY_MAX  # the bug: this raw key was sent and Salesforce answered 400
