"""Contacts on the suppression list: an email address or a phone number in E.164 form.

A suppression entry that is neither (e.g. "hello there", stored as "+1") matches nobody,
so the person it was meant to protect would still be messaged: such entries are refused.
"""

from __future__ import annotations

import re

E164 = re.compile(r"\+[1-9]\d{7,14}")  # + country code and number: 8 to 15 digits
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def normalise(contact: str) -> str:
    """Emails lower-cased; phone numbers reduced to + and digits (ten digits without a + are North American)."""
    contact = contact.strip()
    if "@" in contact:
        return contact.lower()
    digits = re.sub(r"[^\d+]", "", contact)
    return digits if digits.startswith("+") else f"+{digits}" if len(digits) > 10 else f"+1{digits}"


def contact_problem(contact: str, channel: str = "all") -> str | None:
    """Why `contact` cannot be a suppression entry on `channel`, or None when it can."""
    raw = contact.strip()
    if "@" in raw:
        if not EMAIL.fullmatch(raw):
            return f"{raw!r} is not a valid email address"
        if channel == "sms":
            return "an email address cannot be suppressed for SMS; choose email or all channels"
        return None
    if re.search(r"[^\d+\s().\-]", raw) or not E164.fullmatch(normalise(raw)):
        return (
            f"{raw!r} is neither an email address nor a phone number; write the phone number in"
            " international form, e.g. +1 555 010 0199"
        )
    if channel == "email":
        return "a phone number cannot be suppressed for email; choose SMS or all channels"
    return None
