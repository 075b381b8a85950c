"""The analyser interface activities depend on; the model and offline versions both meet it."""

from __future__ import annotations

from typing import Protocol

from contracts.analysis import AnalysisResult, CallAgenda, CustomerAnalysis, DraftResult, OutreachEmail, RenewalPlan
from contracts.intelligence import CustomerContext


class Analyst(Protocol):
    """Produces the analysis and drafts for one customer; `aclose` releases connections."""

    async def analyze(self, ctx: CustomerContext) -> AnalysisResult: ...

    async def draft_outreach(
        self, ctx: CustomerContext, analysis: CustomerAnalysis, purpose: str, variant: int = 1
    ) -> DraftResult[OutreachEmail]:
        """`variant` > 1: the CSM asked for another draft, which must differ from the earlier ones."""
        ...

    async def call_agenda(self, ctx: CustomerContext, analysis: CustomerAnalysis) -> DraftResult[CallAgenda]: ...

    async def renewal_plan(
        self, ctx: CustomerContext, analysis: CustomerAnalysis, stage: str
    ) -> DraftResult[RenewalPlan]: ...

    async def aclose(self) -> None: ...
