"""Folding member text for keyword rules: one spelling of what members type many ways.

Case, accents (Spanish), apostrophes ("can't" -> "cant"), punctuation and emoji go; letters stretched for
emphasis ("hurtttt", "sooo") shrink to one (not "BBB" or "www"); words end up separated by single spaces.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_ONE_LETTER_WORD = re.compile(r"\b([a-z])\1+\b")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _APOSTROPHES.sub("", plain)
    plain = _NOT_WORD.sub(" ", plain)
    return " ".join(w if _ONE_LETTER_WORD.fullmatch(w) else _STRETCHED.sub(r"\1", w) for w in plain.split())


def words(text: str) -> list[str]:
    return fold(text).split()


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance at most 1 (a typo: one letter added, dropped, changed or swapped)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]
