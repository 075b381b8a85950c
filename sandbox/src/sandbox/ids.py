"""Salesforce-style record ids: 3-char key prefix, 12 base-62 chars, 3-char case checksum."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_POD = "Dn"  # the two "instance" characters real ids carry after the key prefix

KEY_PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "Opportunity": "006",
    "Case": "500",
    "User": "005",
    "Task": "00T",
    "QueryLocator": "01g",
}


def _checksum(id15: str) -> str:
    """The suffix that makes an id case-insensitively unique (Salesforce's published algorithm)."""
    suffix = ""
    for chunk in (id15[0:5], id15[5:10], id15[10:15]):
        bits = sum(1 << i for i, char in enumerate(chunk) if "A" <= char <= "Z")
        suffix += _CHECKSUM_ALPHABET[bits]
    return suffix


def make_id(prefix: str, number: int) -> str:
    digits = ""
    for _ in range(10):
        number, rem = divmod(number, 62)
        digits = _BASE62[rem] + digits
    id15 = f"{prefix}{_POD}{digits}"
    return id15 + _checksum(id15)


def to_18(record_id: str) -> str:
    """Salesforce accepts 15- and 18-char ids wherever an id goes; normalise to 18."""
    if len(record_id) == 15:
        return record_id + _checksum(record_id)
    return record_id


def id_sequence(prefix: str, start: int = 0) -> Iterator[str]:
    # Each object type gets its own range, and the steps are spread so ids do not look like a counter.
    base = start + int(prefix, 36) * 1_000_003
    return (make_id(prefix, base + n * 7919) for n in itertools.count(1))
