"""Offline drafts: an outreach email, a call agenda and a renewal plan, templated from
the customer's facts. Customer-facing text never mentions scores or internal analysis."""

from __future__ import annotations

from typing import NamedTuple

from contracts.analysis import CallAgenda, CustomerAnalysis, OutreachEmail, PlanAction, RenewalPlan
from llm.facts import CustomerFacts
from llm.offline_risk import RiskFactor, compute_risk
from llm.wording import fmt_date, join_phrases, plural, sentence

USAGE_DROP_PCT = 10.0  # worth raising with the customer
HIGH_RISK = 75
MAX_PLAN_ACTIONS = 12

# Per renewal stage: (action, owner role, due in days). Stage names as in rules.determination.
STAGE_ACTIONS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "emergency": (
        ("Call the customer's executive sponsor to confirm renewal intent and blockers", "CSM", 0),
        ("Agree the concession limits with our executive sponsor", "Account Executive", 1),
        ("Send the renewal order form for signature", "Account Executive", 2),
        ("Hold a daily check-in until the order form is signed", "CSM", 1),
    ),
    "critical": (
        ("Confirm renewal intent and who signs", "CSM", 3),
        ("Send the renewal quote", "Account Executive", 7),
        ("Resolve the blockers the customer raises", "CSM", 10),
        ("Get the order form signed", "Account Executive", 21),
    ),
    "prepare": (
        ("Hold a renewal-readiness review with the main contact", "CSM", 14),
        ("Present the value delivered since the last renewal", "CSM", 30),
        ("Agree the renewal scope and pricing approach", "Account Executive", 45),
        ("Send the renewal proposal", "Account Executive", 60),
    ),
    "monitor": (
        ("Keep the regular check-in cadence", "CSM", 30),
        ("Schedule the next QBR", "CSM", 60),
        ("Review usage and adoption for expansion potential", "CSM", 90),
    ),
}
DEFAULT_STAGE = "prepare"  # an unknown stage gets the mid-term plan rather than none


class Issue(NamedTuple):
    finding: str  # completes "Looking at your account, ..."
    topic: str  # a call-agenda bullet


def _issues(facts: CustomerFacts) -> list[Issue]:
    """Concrete, customer-facing findings that need attention, most pressing first."""
    issues: list[Issue] = []
    if facts.usage_trend <= -USAGE_DROP_PCT:
        drop = abs(facts.usage_trend)
        finding = f"weekly active users have dropped by about {drop:.0f}% over the last four weeks"
        issues.append(Issue(finding, "What is behind the drop in usage"))
    if facts.escalated_cases:
        verb = "is" if facts.escalated_cases == 1 else "are"
        finding = f"{plural(facts.escalated_cases, 'support case')} {verb} currently escalated"
        topic = "Progress on the escalated support case" + ("" if facts.escalated_cases == 1 else "s")
        issues.append(Issue(finding, topic))
    elif facts.open_cases:
        finding = f"you have {plural(facts.open_cases, 'open support case')} with us"
        issues.append(Issue(finding, "Progress on your open support cases"))
    if facts.utilisation is not None and facts.utilisation < 0.5:
        finding = f"only {facts.active_users} of your {facts.licensed_users} licences are in active use"
        issues.append(Issue(finding, "Getting more of your team onto the product"))
    if facts.qbr_overdue:
        issues.append(Issue("we are overdue for our quarterly business review", "Scheduling our next QBR"))
    return issues


def _risk_factors(facts: CustomerFacts) -> tuple[RiskFactor, ...]:
    return compute_risk(facts.risk_inputs())[1]


# "Draft Another" asks for a different email: each variant opens and asks differently (cycling).
OPENINGS = (
    "I hope all is well at {name}.",
    "Thank you for working with us at {name} this year.",
    "I wanted to reach out personally about {name}.",
)
ASKS = (
    "Could we find 30 minutes this week?",
    "Would a short call in the next few days work for you?",
    "If it is easier, reply with two times that suit you and I will send an invite.",
)


def outreach_email(facts: CustomerFacts, purpose: str, variant: int = 1) -> OutreachEmail:
    pick = max(variant - 1, 0)
    greeting = f"Hi {facts.contact_first_name}," if facts.contact_first_name else "Hello,"
    opening = OPENINGS[pick % len(OPENINGS)].format(name=facts.name)
    if facts.renewal_date:
        opening += (
            f" Your renewal is coming up on {fmt_date(facts.renewal_date)}, and I want to make sure"
            " the next term starts on a strong footing."
        )
    issues = _issues(facts)
    if issues:
        situation = (
            f"Looking at your account, {join_phrases([i.finding for i in issues[:2]])}. I'd like to"
            " understand what is behind this and agree together how we can help."
        )
    else:
        situation = "Things look steady on our side, and I'd like to hear how the team finds the product."
    topics = [purpose.strip()[:120]] if purpose.strip() else []
    topics += [issue.topic for issue in issues[:2]]
    if facts.renewal_date:
        topics.append("Timeline and next steps for the renewal")
    ask = ASKS[pick % len(ASKS)]
    if topics:
        ask += " I'd suggest we cover:\n" + "\n".join(f"- {topic}" for topic in topics)
    signature = f"Best regards,\n{facts.owner or 'Your Customer Success Manager'}"
    body = "\n\n".join([greeting, opening, situation, ask, signature])
    if facts.renewal_date:
        subject = f"{facts.name}: your renewal on {fmt_date(facts.renewal_date)}"
    else:
        subject = f"{facts.name}: checking in"
    return OutreachEmail(subject=subject[:150], body=body[:3000])


def call_agenda(facts: CustomerFacts, analysis: CustomerAnalysis) -> CallAgenda:
    renewal = f"the renewal on {fmt_date(facts.renewal_date)}" if facts.renewal_date else "the next term"
    drivers = sorted(_risk_factors(facts), key=lambda f: f.points, reverse=True)[:2]
    if analysis.risk_score >= 50 and drivers:
        reasons = join_phrases([f.reason for f in drivers])
        objective = f"Agree a recovery plan with {facts.name} before {renewal}, starting with {reasons}."
    else:
        objective = f"Confirm {facts.name} is on track for {renewal} and agree next steps."
    agenda = ["Introductions and goals for the call"]
    if facts.usage_trend <= -USAGE_DROP_PCT or (facts.utilisation is not None and facts.utilisation < 0.5):
        agenda.append("Usage review: what changed and which teams are affected")
    if facts.open_cases:
        agenda.append(f"Status of the {plural(facts.open_cases, 'open support case')}")
    if facts.low_adoption:
        agenda.append("Adoption of " + join_phrases([name for name, _ in facts.low_adoption]))
    if facts.renewal_date:
        agenda.append("Renewal timeline, scope and commercial terms")
    agenda.append("Agree next steps and owners")
    attendees = [f"{c.name} ({c.title})" if c.title else c.name for c in facts.contacts[:3]]
    attendees.append(f"{facts.owner} (account owner)" if facts.owner else "Account owner")
    if facts.escalated_cases:
        attendees.append("Support lead")
    if analysis.risk_score >= HIGH_RISK:
        attendees.append("Executive sponsor")
    theme = "renewal" if facts.renewal_date else "account review"
    return CallAgenda(
        title=f"{facts.name}: {theme} call",
        objective=objective,
        agenda=agenda[:8],
        talking_points=analysis.insights[:10],
        suggested_attendees=attendees[:10],
    )


def renewal_plan(facts: CustomerFacts, analysis: CustomerAnalysis, stage: str) -> RenewalPlan:
    stage_key = stage.strip().lower() if stage.strip().lower() in STAGE_ACTIONS else DEFAULT_STAGE
    steps: list[tuple[str, str, int]] = []
    if facts.usage_trend <= -USAGE_DROP_PCT:
        steps.append(("Hold an executive call to understand the drop in usage", "CSM", 1))
    if facts.escalated_cases:
        steps.append(("Review the escalated cases with Support and agree fix dates", "Support lead", 2))
    if facts.low_adoption and facts.utilisation is not None and facts.utilisation < 0.5:
        names = join_phrases([name for name, _ in facts.low_adoption])
        steps.append((f"Run an adoption workshop for {names}", "CSM", 14))
    steps.extend(STAGE_ACTIONS[stage_key])
    days = facts.days_to_renewal
    latest = days if days is not None and days >= 0 else None  # never plan past the renewal date
    actions = [
        PlanAction(action=action, owner=owner, due_in_days=min(due, latest) if latest is not None else due)
        for action, owner, due in sorted(steps[:MAX_PLAN_ACTIONS], key=lambda step: step[2])
    ]
    risks = [sentence(f.reason) for f in _risk_factors(facts)]
    if analysis.risk_score >= HIGH_RISK:
        risks.insert(0, f"High churn risk ({analysis.risk_score}/100).")
    renewal = f" by {fmt_date(facts.renewal_date)}" if facts.renewal_date else ""
    return RenewalPlan(
        title=f"{facts.name}: {stage_key.capitalize()} renewal plan",
        goal=f"Renew {facts.name}{renewal} with the relationship and usage on a healthy footing.",
        actions=actions,
        risks=risks[:8] or ["No specific risk signals in the data; keep watching usage and engagement."],
    )
