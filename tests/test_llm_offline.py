"""The offline analyser: risk rules, determinism, provenance, drafts, and the factory."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import SecretStr

from contracts.intelligence import (
    Contact,
    ContextData,
    CustomerContext,
    CustomerInfo,
    Engagement,
    Financials,
    RiskSignal,
    SalesforceData,
    SupportCase,
    Usage,
)
from core.settings import Settings
from llm.anthropic_analyst import AnthropicAnalyst
from llm.factory import make_analyst, offline_fallback
from llm.offline_analyst import OfflineAnalyst
from llm.offline_risk import RiskInputs, assess_risk, compute_risk


def sample_context(*, signal_risk: int | None = 78, with_signal: bool = True) -> CustomerContext:
    """Acme: usage down 23.8%, 48% utilisation, two open cases (both escalated/critical),
    low engagement, negative NPS, QBR overdue, renewal 40 days after the signal."""
    signal = RiskSignal(
        event_id="evt-1",
        type="customer.risk_changed",
        occurred_at=datetime(2026, 1, 20, 14, 30, tzinfo=UTC),
        customer_id="acme",
        customer_name="Acme Corp",
        risk_score=signal_risk,
        usage_change_pct=-23.8,
    )
    return CustomerContext(
        customer=CustomerInfo(
            id="acme",
            name="Acme Corp",
            salesforce_id="001A",
            arr=180000.0,
            renewal_date=date(2026, 3, 1),
            account_plan="expand",
            owner="Jordan Lee",
            owner_email="jordan@renubu.test",
        ),
        data=ContextData(
            salesforce=SalesforceData(
                contacts=[
                    Contact(name="Dana Whitfield", title="VP Operations", email="dana@acme.test"),
                    Contact(name="Sam Ortiz", title="IT Lead"),
                ],
                cases=[
                    SupportCase(subject="Dashboards time out", status="Escalated", priority="High"),
                    SupportCase(subject="Export fails", status="Working", priority="Critical"),
                    SupportCase(
                        subject="SSO setup",
                        status="Closed",
                        priority="Low",
                        created=datetime(2025, 12, 1, 9, tzinfo=UTC),
                        closed=datetime(2025, 12, 2, 21, tzinfo=UTC),
                    ),
                ],
            ),
            usage=Usage(
                active_users=58,
                licensed_users=120,
                utilization_rate=0.4833,
                trend=-23.8,
                feature_adoption={"dashboards": 0.62, "alerts": 0.12, "api": 0.05},
            ),
            financials=Financials(
                current_arr=180000.0,
                arr_history=[{"year": 2024, "arr": 150000.0}, {"year": 2025, "arr": 180000.0}],
            ),
            engagement=Engagement(
                last_meeting=date(2025, 11, 4),
                meeting_frequency="quarterly",
                qbr_status="overdue",
                engagement_score=38,
                nps=-10,
            ),
        ),
        signal=signal if with_signal else None,
    )


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (RiskInputs(), 20),
        (RiskInputs(usage_trend=-10), 32),
        (RiskInputs(usage_trend=-50), 55),  # usage capped at 35
        (RiskInputs(usage_trend=15), 20),  # growth never lowers the base
        (RiskInputs(usage_trend=-1.25), 22),  # 21.5 rounds half up
        (RiskInputs(utilisation=0.49), 30),
        (RiskInputs(utilisation=0.5), 20),
        (RiskInputs(utilisation=None), 20),  # unknown seat count: no points
        (RiskInputs(open_cases=2), 26),
        (RiskInputs(open_cases=7), 35),  # open cases capped at 15
        (RiskInputs(open_cases=1, escalated_cases=1), 28),
        (RiskInputs(open_cases=3, escalated_cases=3), 39),  # escalations capped at 10
        (RiskInputs(engagement_score=39), 30),
        (RiskInputs(engagement_score=40), 20),
        (RiskInputs(nps=0), 25),
        (RiskInputs(nps=1), 20),
        (RiskInputs(qbr_overdue=True), 25),
        (
            RiskInputs(
                usage_trend=-80,
                utilisation=0.1,
                open_cases=9,
                escalated_cases=4,
                engagement_score=5,
                nps=-50,
                qbr_overdue=True,
            ),
            100,  # 110 before clamping
        ),
    ],
)
def test_compute_risk_rules(inputs: RiskInputs, expected: int) -> None:
    score, factors = compute_risk(inputs)
    assert score == expected
    assert bool(factors) == (expected != 20)


def test_signal_risk_is_never_understated() -> None:
    higher = assess_risk(RiskInputs(usage_trend=-10), signal_risk=90)
    assert (higher.computed, higher.score, higher.signal_raised) == (32, 90, True)
    lower = assess_risk(RiskInputs(usage_trend=-10), signal_risk=10)
    assert (lower.score, lower.signal_raised) == (32, False)
    assert assess_risk(RiskInputs(), signal_risk=150).score == 100


async def test_analysis_of_the_sample_customer() -> None:
    result = await OfflineAnalyst().analyze(sample_context())
    analysis = result.analysis
    # 20 + 28.56 usage + 10 utilisation + 6 open + 10 escalated + 10 engagement + 5 NPS + 5 QBR
    assert analysis.risk_score == 95 and analysis.health_score == 5
    assert analysis.sentiment == "negative"
    assert analysis.trends.usage.direction == "down" and analysis.trends.usage.magnitude_pct == 23.8
    assert (analysis.trends.support.open_tickets, analysis.trends.support.escalated) == (2, 2)
    assert analysis.trends.support.avg_resolution_hours == 36.0
    assert analysis.trends.engagement.level == "low"
    assert analysis.summary.startswith("Acme Corp is at high risk (95/100), 40 days before renewal on 1 March 2026.")
    assert "Weekly active users fell 23.8% over the last four weeks" in analysis.summary
    assert "2 support cases are open (2 escalated)" in analysis.summary
    assert "Active's own estimate was 78/100." in analysis.summary
    assert analysis.recommendations == [
        "Schedule an executive call within 24h to understand the drop in usage.",
        "Review open escalations with Support before the call.",
        "Run an adoption workshop for unused features: api, alerts.",
        "Book the overdue QBR with the executive sponsor.",
        "Follow up on the low NPS score with the main contact.",
    ]
    assert "Least-adopted features: api (5%) and alerts (12%)." in analysis.insights
    assert "ARR went from $150,000 (2024) to $180,000 (2025)." in analysis.insights


async def test_reported_risk_above_the_computed_one_wins_and_is_explained() -> None:
    ctx = sample_context(signal_risk=10)
    ctx.data.usage.trend = 0.0
    ctx.signal.usage_change_pct = None  # type: ignore[union-attr]
    ctx.data.salesforce.cases = []
    ctx.data.engagement = Engagement(engagement_score=80, nps=40, qbr_status="completed")
    ctx.data.usage.utilization_rate, ctx.data.usage.active_users = 0.9, 108
    analysis = (await OfflineAnalyst().analyze(ctx)).analysis
    assert analysis.risk_score == 20 and "Active's own estimate was 10/100." in analysis.summary

    ctx.signal.risk_score = 88  # type: ignore[union-attr]
    analysis = (await OfflineAnalyst().analyze(ctx)).analysis
    assert (analysis.risk_score, analysis.health_score) == (88, 12)
    assert "Active reported a risk of 88/100, above the 20 computed from this data" in analysis.summary


async def test_output_is_deterministic_and_dated_by_the_signal() -> None:
    ctx = sample_context()
    first = await OfflineAnalyst(today=date(2020, 1, 1)).analyze(ctx)
    second = await OfflineAnalyst().analyze(ctx.model_copy(deep=True))
    assert first == second  # the signal's date wins over `today` and the clock


async def test_without_a_signal_today_dates_the_renewal() -> None:
    analysis = await OfflineAnalyst(today=date(2026, 2, 20)).analyze(sample_context(with_signal=False))
    assert "9 days before renewal on 1 March 2026" in analysis.analysis.summary
    assert "Confirm renewal intent and the signatory this week." in analysis.analysis.recommendations


async def test_provenance_says_offline() -> None:
    result = await OfflineAnalyst().analyze(sample_context())
    assert result.provenance.source == "offline" and result.provenance.model is None
    assert result.provenance.note == "offline analyser: no ANTHROPIC_API_KEY configured"
    assert result.provenance.label == "Offline analyser (no API key)"
    assert "Claude" not in result.provenance.label

    fallback = await offline_fallback("ServerError: anthropic HTTP 529").analyze(sample_context())
    assert fallback.provenance.note == "offline fallback after model error: ServerError: anthropic HTTP 529"
    assert fallback.provenance.label == "Offline analyser (fallback after model error)"
    assert fallback.analysis == result.analysis


async def test_outreach_email_is_addressed_and_concrete() -> None:
    ctx = sample_context()
    analyst = OfflineAnalyst()
    analysis = (await analyst.analyze(ctx)).analysis
    result = await analyst.draft_outreach(ctx, analysis, "Confirm renewal intent")
    email = result.draft
    assert email.subject == "Acme Corp: your renewal on 1 March 2026"
    assert email.body.startswith("Hi Dana,\n\nI hope all is well at Acme Corp.")
    assert "weekly active users have dropped by about 24% over the last four weeks" in email.body
    assert "2 support cases are currently escalated" in email.body
    assert "- Confirm renewal intent\n- What is behind the drop in usage\n" in email.body
    assert email.body.endswith("Best regards,\nJordan Lee")
    assert "risk" not in email.body.lower()  # internal scores stay internal
    assert result.provenance.source == "offline"


async def test_call_agenda_and_renewal_plan_use_the_data() -> None:
    ctx = sample_context()
    analyst = OfflineAnalyst()
    analysis = (await analyst.analyze(ctx)).analysis

    agenda = (await analyst.call_agenda(ctx, analysis)).draft
    assert agenda.title == "Acme Corp: renewal call"
    assert agenda.objective.startswith("Agree a recovery plan with Acme Corp before the renewal on 1 March 2026")
    assert agenda.agenda[0] == "Introductions and goals for the call" and 2 <= len(agenda.agenda) <= 8
    assert "Status of the 2 open support cases" in agenda.agenda
    assert agenda.suggested_attendees[:2] == ["Dana Whitfield (VP Operations)", "Sam Ortiz (IT Lead)"]
    assert {"Jordan Lee (account owner)", "Support lead", "Executive sponsor"} <= set(agenda.suggested_attendees)
    assert agenda.talking_points == analysis.insights

    plan = (await analyst.renewal_plan(ctx, analysis, "Critical")).draft
    assert plan.title == "Acme Corp: Critical renewal plan"
    assert plan.actions[0].action == "Hold an executive call to understand the drop in usage"
    assert [a.due_in_days for a in plan.actions] == sorted(a.due_in_days for a in plan.actions)
    assert "Confirm renewal intent and who signs" in [a.action for a in plan.actions]
    assert all(a.due_in_days <= 40 for a in plan.actions)
    assert plan.risks[0] == "High churn risk (95/100)."
    assert "Weekly active users down 23.8%." in plan.risks

    monitor = (await analyst.renewal_plan(ctx, analysis, "monitor")).draft
    assert max(a.due_in_days for a in monitor.actions) == 40  # never past the renewal date


async def test_drafts_without_contacts_or_renewal_date_still_read_well() -> None:
    ctx = CustomerContext(customer=CustomerInfo(id="new", name="Newco"))
    analyst = OfflineAnalyst(today=date(2026, 1, 1))
    analysis = (await analyst.analyze(ctx)).analysis
    assert analysis.risk_score == 20 and analysis.sentiment == "positive"
    assert analysis.recommendations == ["Keep the regular check-in cadence; no intervention is needed now."]
    email = (await analyst.draft_outreach(ctx, analysis, "")).draft
    assert email.subject == "Newco: checking in"
    assert email.body.startswith("Hello,\n\nI hope all is well at Newco.")
    assert "Could we find 30 minutes this week?\n\n" in email.body
    plan = (await analyst.renewal_plan(ctx, analysis, "unknown-stage")).draft
    assert plan.title == "Newco: Prepare renewal plan"


def test_make_analyst_picks_by_api_key() -> None:
    offline = make_analyst(Settings(llm={"anthropic_api_key": None}))
    assert isinstance(offline, OfflineAnalyst)
    empty = make_analyst(Settings(llm={"anthropic_api_key": SecretStr("")}))
    assert isinstance(empty, OfflineAnalyst)
    model = make_analyst(Settings(llm={"anthropic_api_key": SecretStr("sk-test"), "model": "claude-haiku-4-5"}))
    assert isinstance(model, AnthropicAnalyst)


async def test_one_day_before_renewal_is_singular() -> None:
    analysis = await OfflineAnalyst(today=date(2026, 2, 28)).analyze(sample_context(with_signal=False))
    assert "1 day before renewal on 1 March 2026" in analysis.analysis.summary
