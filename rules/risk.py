"""The risk screen: what a person must handle, whatever else a member's message asks (issue 14).

It runs in code on every member message, before the message's intent counts, with the offline assistant and
with Claude alike (the model may add flags, never remove them). A message with any flag is never answered
automatically: it goes to staff with the flag as the reason. Pure: no I/O, no clock.

Choices, so nobody has to guess:
- Over-flagging costs a person a look; under-flagging can cost the club a member, or worse. Phrases are broad.
- Negation does not clear a flag: "nobody was hurt but a plate fell off the rack" still needs a person. It only
  keeps the flag from paging managers: an urgent flag pages unless the message negates it ("no injuries").
- Typos: the text is folded first (case, accents, punctuation, apostrophes, stretched letters; rules.text), the
  phrases carry common misspellings, and distinctive words also match one typo away (rules.risk_terms).
- Spanish is screened for the same flags. Very long messages are screened whole (a risk buried in paragraph
  five counts); an empty message has no flags.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from rules.risk_terms import EXCEPTIONS, PHRASES, TYPO_WORDS
from rules.text import fold, within_one_edit

# Most serious first: the order flags are listed in, everywhere.
FLAGS: dict[str, str] = {
    "safety": "safety or injury",
    "medical": "medical",
    "threat": "threat or stalking",
    "harassment": "harassment or discrimination",
    "theft": "theft",
    "legal": "legal or regulatory",
    "privacy": "privacy or data deletion",
    "door_access": "lock-out or door access",
    "billing_dispute": "billing dispute",
    "public_complaint": "public complaint or review threat",
}
URGENT = frozenset({"safety", "medical", "threat"})  # managers are notified at once
NEGATORS = frozenset(
    {
        "no",
        "not",
        "nobody",
        "noone",
        "never",
        "without",
        "didnt",
        "wasnt",
        "isnt",
        "werent",
        "hasnt",
        "havent",
        "dont",
        "doesnt",
        "nadie",
        "nunca",
        "sin",
        "ningun",
        "ninguna",
        "ni",
    }
)
NEGATION_WINDOW = 4  # words before a mention that can negate it
MIN_TYPO_LENGTH = 6


@dataclass(frozen=True)
class Finding:
    flag: str
    evidence: str  # the words that matched, folded
    negated: bool = False


@dataclass(frozen=True)
class Screen:
    findings: tuple[Finding, ...] = ()

    @property
    def flags(self) -> tuple[str, ...]:
        found = {f.flag for f in self.findings}
        return tuple(flag for flag in FLAGS if flag in found)

    @property
    def urgent(self) -> tuple[str, ...]:
        """Urgent flags, unless the message says it did not happen ("nobody got hurt, but a plate fell")."""
        negated = {f.flag for f in self.findings if f.negated}
        return tuple(flag for flag in self.flags if flag in URGENT and flag not in negated)

    def evidence(self, flag: str) -> str:
        return next((f.evidence for f in self.findings if f.flag == flag), "")


@cache
def _pattern(flag: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(PHRASES[flag]) + r")(?![a-z0-9])")


@cache
def _exception(flag: str) -> re.Pattern[str] | None:
    terms = EXCEPTIONS.get(flag)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(terms) + r")(?![a-z0-9])") if terms else None


@cache
def _typo_index() -> dict[str, list[tuple[str, str]]]:
    """Every typo word under itself and each one-letter deletion of it: a word one edit away shares a key."""
    index: dict[str, list[tuple[str, str]]] = {}
    for flag, terms in TYPO_WORDS.items():
        for term in terms:
            if len(term) < MIN_TYPO_LENGTH:
                continue
            for key in {term, *_deletions(term)}:
                index.setdefault(key, []).append((flag, term))
    return index


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def _negated(before: Sequence[str]) -> bool:
    return any(w in NEGATORS for w in before[-NEGATION_WINDOW:]) or "no one" in " ".join(before[-3:])


def screen(text: str) -> Screen:
    folded = fold(text)
    if not folded:
        return Screen()
    excepted = {flag: [m.span() for m in rx.finditer(folded)] for flag in FLAGS if (rx := _exception(flag))}

    def found(flag: str, start: int, end: int, evidence: str) -> Finding | None:
        if any(s <= start and end <= e for s, e in excepted.get(flag, ())):
            return None
        return Finding(flag, evidence[:60], _negated(folded[:start].split()))

    findings = [found(flag, m.start(), m.end(), m.group(0)) for flag in FLAGS for m in _pattern(flag).finditer(folded)]
    index = _typo_index()
    for m in re.finditer(r"\S+", folded):
        token = m.group(0)
        if len(token) < MIN_TYPO_LENGTH - 1:
            continue
        for key in {token, *_deletions(token)}:
            for flag, term in index.get(key, ()):
                if within_one_edit(token, term):
                    findings.append(found(flag, m.start(), m.end(), token))
    return Screen(tuple(_dedupe(f for f in findings if f)))


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[tuple[str, str, bool], Finding] = {}
    for f in findings:
        seen.setdefault((f.flag, f.evidence, f.negated), f)
    return list(seen.values())


def merge(screened: Sequence[str], added: Iterable[str]) -> list[str]:
    """The screen's flags plus any a model adds (known names only), most serious first: never fewer."""
    found = set(screened) | {flag for flag in added if flag in FLAGS}
    return [flag for flag in FLAGS if flag in found]


def describe(flags: Sequence[str]) -> str:
    return ", ".join(FLAGS.get(f, f.replace("_", " ")) for f in flags)
