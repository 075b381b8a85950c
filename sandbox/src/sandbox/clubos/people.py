"""Names, emails and phone numbers for the seeded gym, and the sandbox's rules for undeliverable ones.

Phones are E.164 numbers in the fictional +1 555 area. A line number starting with "00" is a
landline: SMS to it fails delivery. Emails at a mistyped domain (gmial.com, ...) bounce.
"""

from __future__ import annotations

import itertools
import random

from sandbox.clubos.wordlists import EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, TYPO_DOMAINS


def is_landline(phone: str) -> bool:
    return phone.startswith("+1555") and len(phone) == 12 and phone[-4:-2] == "00"


def bounces(email: str) -> bool:
    return email.rpartition("@")[2].lower() in TYPO_DOMAINS


class PeopleFactory:
    """Unique names, emails and phone numbers, drawn from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._names = list(itertools.product(FIRST_NAMES, LAST_NAMES))
        rng.shuffle(self._names)
        self._emails: set[str] = set()
        self._phones: set[str] = set()

    def name(self) -> tuple[str, str]:
        return self._names.pop()

    def email(self, first: str, last: str, *, typo: bool = False) -> str:
        rng = self._rng
        first, last = first.lower(), last.lower()
        while True:
            local = rng.choice(
                (
                    f"{first}.{last}",
                    f"{first}{last}",
                    f"{first[0]}{last}",
                    f"{first}.{last}{rng.randint(1, 99)}",
                )
            )
            domain = rng.choice(TYPO_DOMAINS if typo else EMAIL_DOMAINS)
            address = f"{local}@{domain}"
            if address not in self._emails:
                self._emails.add(address)
                return address

    def phone(self, *, landline: bool = False) -> str:
        rng = self._rng
        while True:
            line = rng.randint(0, 99) if landline else rng.randint(100, 9999)
            number = f"+1555{rng.randint(200, 999)}{line:04d}"
            if number not in self._phones:
                self._phones.add(number)
                return number
