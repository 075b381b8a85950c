"""Suppression contacts: an email or an E.164 phone number, on a channel that fits it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.contacts import contact_problem, normalise


@pytest.mark.parametrize(
    ("contact", "channel", "stored"),
    [
        ("+1 (555) 010-0199", "sms", "+15550100199"),
        ("555 010 0199", "all", "+15550100199"),
        ("+44 20 7946 0958", "sms", "+442079460958"),
        ("Dana@Acme.Test", "email", "dana@acme.test"),
        ("dana@acme.test", "all", "dana@acme.test"),
    ],
)
def test_accepted(contact: str, channel: str, stored: str) -> None:
    assert contact_problem(contact, channel) is None and normalise(contact) == stored


@pytest.mark.parametrize(
    ("contact", "channel", "problem"),
    [
        ("hello there", "all", "neither an email address nor a phone number"),
        ("+1", "sms", "neither an email address nor a phone number"),
        ("call me 5550100199", "sms", "neither an email address nor a phone number"),
        ("+0 555 010 0199", "sms", "international form"),
        ("+1 555 010 0199 1234 5678", "sms", "international form"),  # more than 15 digits
        ("dana@", "email", "not a valid email address"),
        ("dana@acme", "email", "not a valid email address"),
        ("dana@acme.test", "sms", "cannot be suppressed for SMS"),
        ("+15550100199", "email", "cannot be suppressed for email"),
    ],
)
def test_refused_with_a_reason(contact: str, channel: str, problem: str) -> None:
    assert problem in (contact_problem(contact, channel) or "")


@given(st.text(max_size=60))
def test_whatever_is_accepted_is_stored_as_an_email_or_e164(contact: str) -> None:
    if contact_problem(contact) is None:
        stored = normalise(contact)
        assert "@" in stored or (stored.startswith("+") and stored[1:].isdigit() and 8 <= len(stored) - 1 <= 15)
