"""The offline analyser: deterministic rules over the CustomerContext, no network.

Runs when no ANTHROPIC_API_KEY is configured, and as the fallback once a model call has
exhausted its retries. Its Provenance always says "offline", never the model's name.

Risk: the rules in llm.offline_risk (start at 20; usage decline x1.2 up to 35; under 50%
utilisation +10; +3 per open case up to 15; +5 per escalated/critical case up to 10;
engagement under 40 +10; NPS <= 0 +5; QBR overdue +5; clamp 0..100), then the maximum of
that and the risk Active reported in the signal. health = 100 - risk.

Sentiment: from NPS when known (>= 30 positive, < 0 negative, else neutral), otherwise
from risk (<= 30 positive, >= 60 negative); a risk of 75 or more is always negative.

Dates: days to renewal count from the signal's occurred_at date, else the `today` given
to the analyser, so the same input always produces the same text.
"""

from __future__ import annotations

from datetime import date

from contracts.analysis import (
    OFFLINE_FALLBACK_PREFIX,
    OFFLINE_NO_KEY_NOTE,
    AnalysisResult,
    CallAgenda,
    CustomerAnalysis,
    Direction,
    DraftResult,
    EngagementTrend,
    Level,
    OutreachEmail,
    Provenance,
    RenewalPlan,
    Sentiment,
    SupportTrend,
    Trends,
    UsageTrend,
)
from contracts.intelligence import CustomerContext
from llm.facts import CustomerFacts, gather_facts
from llm.offline_drafts import call_agenda, outreach_email, renewal_plan
from llm.offline_risk import RiskAssessment, assess_risk
from llm.wording import fmt_date, fmt_money, join_phrases, plural, sentence

FLAT_BAND_PCT = 2.0  # usage moves within +-2% are noise, reported as flat
STEEP_DROP_PCT = 15.0
SUMMARY_MAX = 800


class OfflineAnalyst:
    def __init__(self, *, note: str = OFFLINE_NO_KEY_NOTE, today: date | None = None) -> None:
        self._note = note
        self._today = today

    @classmethod
    def fallback(cls, reason: str, *, today: date | None = None) -> OfflineAnalyst:
        return cls(note=f"{OFFLINE_FALLBACK_PREFIX}{reason}", today=today)

    @property
    def provenance(self) -> Provenance:
        return Provenance(source="offline", note=self._note)

    async def aclose(self) -> None:
        """Nothing to release; present so callers treat every Analyst alike."""

    async def analyze(self, ctx: CustomerContext) -> AnalysisResult:
        return AnalysisResult(analysis=self.analysis(ctx), provenance=self.provenance)

    def analysis(self, ctx: CustomerContext) -> CustomerAnalysis:
        facts = gather_facts(ctx, self._today)
        risk = assess_risk(facts.risk_inputs(), facts.signal_risk)
        return CustomerAnalysis(
            risk_score=risk.score,
            health_score=100 - risk.score,
            sentiment=_sentiment(risk.score, facts.nps),
            summary=_summary(facts, risk),
            trends=_trends(facts),
            insights=_insights(facts),
            recommendations=_recommendations(facts),
        )

    async def draft_outreach(
        self, ctx: CustomerContext, analysis: CustomerAnalysis, purpose: str, variant: int = 1
    ) -> DraftResult[OutreachEmail]:
        draft = outreach_email(gather_facts(ctx, self._today), purpose, variant)
        return DraftResult[OutreachEmail](draft=draft, provenance=self.provenance)

    async def call_agenda(self, ctx: CustomerContext, analysis: CustomerAnalysis) -> DraftResult[CallAgenda]:
        draft = call_agenda(gather_facts(ctx, self._today), analysis)
        return DraftResult[CallAgenda](draft=draft, provenance=self.provenance)

    async def renewal_plan(
        self, ctx: CustomerContext, analysis: CustomerAnalysis, stage: str
    ) -> DraftResult[RenewalPlan]:
        draft = renewal_plan(gather_facts(ctx, self._today), analysis, stage)
        return DraftResult[RenewalPlan](draft=draft, provenance=self.provenance)


def risk_level(score: int) -> str:
    if score >= 75:
        return "high"
    if score >= 50:
        return "elevated"
    if score >= 30:
        return "moderate"
    return "low"


def _sentiment(risk: int, nps: int | None) -> Sentiment:
    if risk >= 75:
        return "negative"
    if nps is not None:
        return "positive" if nps >= 30 else "negative" if nps < 0 else "neutral"
    return "positive" if risk <= 30 else "negative" if risk >= 60 else "neutral"


def _usage_phrase(trend: float) -> str:
    if trend <= -FLAT_BAND_PCT:
        return f"weekly active users fell {abs(trend):.1f}% over the last four weeks"
    if trend >= FLAT_BAND_PCT:
        return f"weekly active users rose {trend:.1f}% over the last four weeks"
    return "weekly active users are flat"


def _summary(facts: CustomerFacts, risk: RiskAssessment) -> str:
    days = facts.days_to_renewal
    opening = f"{facts.name} is at {risk_level(risk.score)} risk ({risk.score}/100)"
    if facts.renewal_date is not None and days is not None:
        when = fmt_date(facts.renewal_date)
        if days >= 0:
            opening += f", {plural(days, 'day')} before renewal on {when}"
        else:
            opening += f"; its renewal date {when} has passed"
    drivers = [_usage_phrase(facts.usage_trend)]
    if facts.utilisation is not None:
        drivers.append(f"{facts.utilisation:.0%} of {facts.licensed_users} licensed seats are in use")
    if facts.open_cases:
        verb = "is" if facts.open_cases == 1 else "are"
        cases = plural(facts.open_cases, "support case")
        drivers.append(f"{cases} {verb} open ({facts.escalated_cases} escalated)")
    else:
        drivers.append("no support cases are open")
    parts = [sentence(opening), sentence(join_phrases(drivers))]
    if risk.signal_raised:
        parts.append(
            f"Active reported a risk of {risk.signal_risk}/100, above the {risk.computed} computed"
            " from this data; the higher figure is used."
        )
    elif risk.signal_risk is not None:
        parts.append(f"Active's own estimate was {risk.signal_risk}/100.")
    return " ".join(parts)[:SUMMARY_MAX]


def _trends(facts: CustomerFacts) -> Trends:
    trend = facts.usage_trend
    direction: Direction = "down" if trend <= -FLAT_BAND_PCT else "up" if trend >= FLAT_BAND_PCT else "flat"
    score = facts.engagement_score
    level: Level = "medium"
    if score is not None:
        level = "high" if score >= 70 else "medium" if score >= 40 else "low"
    notes = [f"engagement score {score}/100" if score is not None else "no engagement score reported"]
    if facts.qbr_status:
        notes.append(f"QBR {facts.qbr_status}")
    if facts.meeting_frequency:
        notes.append(f"meetings {facts.meeting_frequency}")
    if facts.last_meeting:
        notes.append(f"last meeting {fmt_date(facts.last_meeting)}")
    return Trends(
        usage=UsageTrend(direction=direction, magnitude_pct=round(abs(trend), 1)),
        support=SupportTrend(
            open_tickets=facts.open_cases,
            escalated=facts.escalated_cases,
            avg_resolution_hours=facts.avg_resolution_hours,
        ),
        engagement=EngagementTrend(level=level, note="; ".join(notes)),
    )


def _insights(facts: CustomerFacts) -> list[str]:
    insights: list[str] = []
    if facts.licensed_users:
        insights.append(
            f"{facts.active_users} of {facts.licensed_users} licensed users were active last week"
            f" ({facts.utilisation or 0:.0%}); usage changed {facts.usage_trend:+.1f}% over four weeks."
        )
    if facts.low_adoption:
        features = join_phrases([f"{name} ({value:.0%})" for name, value in facts.low_adoption])
        insights.append(f"Least-adopted features: {features}.")
    if facts.open_cases:
        cases = plural(facts.open_cases, "open support case")
        insights.append(sentence(f"{cases}, {facts.escalated_cases} escalated or critical"))
    if facts.avg_resolution_hours is not None:
        insights.append(f"Closed cases took {facts.avg_resolution_hours:.0f} hours on average to resolve.")
    engagement = []
    if facts.engagement_score is not None:
        engagement.append(f"engagement score {facts.engagement_score}/100")
    if facts.nps is not None:
        engagement.append(f"NPS {facts.nps}")
    if facts.qbr_status:
        engagement.append(f"QBR {facts.qbr_status}")
    if engagement:
        insights.append(sentence(", ".join(engagement)))
    if len(facts.arr_history) >= 2:
        (year0, arr0), (year1, arr1) = facts.arr_history[-2], facts.arr_history[-1]
        insights.append(f"ARR went from {fmt_money(arr0)} ({year0}) to {fmt_money(arr1)} ({year1}).")
    elif facts.arr:
        insights.append(f"Current ARR is {fmt_money(facts.arr)}.")
    return insights[:6]


def _recommendations(facts: CustomerFacts) -> list[str]:
    recs: list[str] = []
    days = facts.days_to_renewal
    if facts.usage_trend <= -STEEP_DROP_PCT:
        recs.append("Schedule an executive call within 24h to understand the drop in usage.")
    if facts.escalated_cases:
        recs.append("Review open escalations with Support before the call.")
    if facts.utilisation is not None and facts.utilisation < 0.5:
        if facts.low_adoption:
            names = ", ".join(name for name, _ in facts.low_adoption)
            recs.append(f"Run an adoption workshop for unused features: {names}.")
        else:
            recs.append("Run an adoption workshop to bring unused seats into use.")
    if days is not None and 0 <= days <= 30:
        recs.append("Confirm renewal intent and the signatory this week.")
    if facts.qbr_overdue:
        recs.append("Book the overdue QBR with the executive sponsor.")
    if facts.nps is not None and facts.nps <= 0:
        recs.append("Follow up on the low NPS score with the main contact.")
    if facts.open_cases and not facts.escalated_cases:
        cases = plural(facts.open_cases, "open support case")
        recs.append(f"Check progress on the {cases} before the next check-in.")
    if not recs:
        recs.append("Keep the regular check-in cadence; no intervention is needed now.")
    return recs[:5]
