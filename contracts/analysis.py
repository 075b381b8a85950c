"""What the analysers produce: the analysis, the drafts, and where each came from.

The same models are the model's tool input schemas (llm.tools), so their constraints
are what the model is held to and what offline output must meet too.
"""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, StringConstraints

OFFLINE_NO_KEY_NOTE = "offline analyser: no ANTHROPIC_API_KEY configured"
OFFLINE_FALLBACK_PREFIX = "offline fallback after model error: "

Sentiment = Literal["positive", "neutral", "negative"]
Direction = Literal["up", "down", "flat"]
Level = Literal["high", "medium", "low"]
Recommendation = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class UsageTrend(BaseModel):
    direction: Direction
    magnitude_pct: float = Field(ge=0, description="Size of the change in percent, always positive.")


class SupportTrend(BaseModel):
    open_tickets: int = Field(ge=0)
    escalated: int = Field(ge=0)
    avg_resolution_hours: float | None = Field(None, ge=0)


class EngagementTrend(BaseModel):
    level: Level
    note: str = Field(max_length=300)


class Trends(BaseModel):
    usage: UsageTrend
    support: SupportTrend
    engagement: EngagementTrend


class CustomerAnalysis(BaseModel):
    risk_score: int = Field(ge=0, le=100, description="Churn risk, 0 (none) to 100 (certain).")
    health_score: int = Field(ge=0, le=100, description="Overall account health, 0 to 100.")
    sentiment: Sentiment
    summary: str = Field(min_length=1, max_length=800)
    trends: Trends
    insights: list[str] = Field(default_factory=list, max_length=6)
    recommendations: list[Recommendation] = Field(min_length=1, max_length=5)


class OutreachEmail(BaseModel):
    subject: str = Field(min_length=1, max_length=150)
    body: str = Field(min_length=1, max_length=3000)


class CallAgenda(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    objective: str = Field(min_length=1, max_length=500)
    agenda: list[str] = Field(min_length=2, max_length=8)
    talking_points: list[str] = Field(default_factory=list, max_length=10)
    suggested_attendees: list[str] = Field(default_factory=list, max_length=10)


class PlanAction(BaseModel):
    action: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=100)
    due_in_days: int = Field(ge=0, le=365)


class RenewalPlan(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    goal: str = Field(min_length=1, max_length=500)
    actions: list[PlanAction] = Field(min_length=1, max_length=12)
    risks: list[str] = Field(default_factory=list, max_length=8)


class Provenance(BaseModel):
    """Who produced an output. Offline output is never presented as the model's."""

    source: Literal["model", "offline"]
    model: str | None = None
    note: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def label(self) -> str:
        if self.source == "model":
            return f"Claude ({self.model})" if self.model else "Claude"
        if self.note and self.note.startswith(OFFLINE_FALLBACK_PREFIX):
            return "Offline analyser (fallback after model error)"
        if self.note == OFFLINE_NO_KEY_NOTE:
            return "Offline analyser (no API key)"
        return "Offline analyser"


class AnalysisResult(BaseModel):
    analysis: CustomerAnalysis
    provenance: Provenance


DraftT = TypeVar("DraftT", OutreachEmail, CallAgenda, RenewalPlan)


class DraftResult(BaseModel, Generic[DraftT]):
    draft: DraftT
    provenance: Provenance
