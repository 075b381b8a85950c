"""The risk screen applied to a classification, whoever made it: the screen's flags always stand, a model
may add flags (never remove them), and the flags decide before the category does (rules.triage.decide)."""

from __future__ import annotations

from contracts.inbox import Classification
from rules.risk import URGENT, merge, screen


def screened(cls: Classification, body: str) -> Classification:
    risk = screen(body)
    flags = merge(risk.flags, cls.flags)
    added = [f for f in flags if f not in risk.flags]  # the model's own: it cannot tell us it was negated
    urgent = merge(risk.urgent, [f for f in added if f in URGENT])
    evidence = {f: risk.evidence(f) or cls.evidence.get(f) or "flagged by the model" for f in flags}
    return cls.model_copy(update={"flags": flags, "urgent": urgent, "evidence": evidence})
