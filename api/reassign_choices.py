"""The Reassign picker's guard rails: every CSM with their level and load now, the assignment rule's best fit
preselected, and a warning for a choice that breaks the rule (rules/assignment.py), which then needs a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db import renewal_projection, users
from rules.assignment import Candidate, recommend, rule_warning


@dataclass(frozen=True)
class Choice:
    email: str
    name: str
    experience: str
    load: int
    recommended: bool
    warning: str | None

    @property
    def label(self) -> str:
        best = " · recommended" if self.recommended else ""
        return f"{self.name} ({self.experience}, {self.load} open){best}"


async def team(session: AsyncSession) -> list[Candidate]:
    """Active CSMs with their open renewals now (the load the rule and the score use)."""
    loads = await renewal_projection.open_counts_by_csm(session)
    return [Candidate(u.email, u.name, u.experience or "mid", loads.get(u.email, 0)) for u in await users.csms(session)]


def choices(stage: str, arr: float, assigned_to: str, csms: Sequence[Candidate]) -> list[Choice]:
    """The CSMs a renewal can move to, the recommended one first."""
    best = recommend(stage, arr, assigned_to, csms)
    out = [
        Choice(
            c.email,
            c.name,
            c.experience,
            c.active_workflows,
            best is not None and c.email == best.email,
            rule_warning(stage, arr, c.experience),
        )
        for c in csms
        if c.email.lower() != assigned_to.lower()
    ]
    return sorted(out, key=lambda c: not c.recommended)


def override_reason(stage: str, arr: float, experience: str, reason: str) -> tuple[str | None, str]:
    """(error, reason for the audit trail): a choice against the rule needs a reason, and the trail says which
    rule it overrode."""
    warning = rule_warning(stage, arr, experience)
    if warning is None:
        return None, reason.strip()
    if not reason.strip():
        return f"{warning[0].upper()}{warning[1:]}: give a reason to override the assignment rule.", ""
    return None, f"{reason.strip()} (overrides the assignment rule: {warning})"[:500]
