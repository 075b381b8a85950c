"""Reading a journey step's recorded outcome: did its latest try fail for good (bad data), and why. A retry
appends "; retried by <who>: <what happened>" to the outcome, so the text is the step's whole story."""

from __future__ import annotations

FAILED = "failed: "
RETRIED = "retried by "


def failure(outcome: str) -> str | None:
    """The reason the step's latest try failed, or None when it did not (or a retry since went through)."""
    at = outcome.rfind(FAILED)
    if at < 0 or outcome.rfind(RETRIED) > at:
        return None
    return outcome[at + len(FAILED) :]


def retried(outcome: str, by: str, again: str) -> str:
    return f"{outcome}; {RETRIED}{by}: {again}"
