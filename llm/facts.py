"""The facts the offline analyser reasons about, read once from a CustomerContext.

Where Salesforce/Active data and the webhook signal overlap, the measured data wins and
the signal fills gaps (e.g. no usage history fetched yet: the signal's usage change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from contracts.intelligence import Contact, CustomerContext, SupportCase
from llm.offline_risk import RiskInputs

CLOSED_STATUSES = frozenset({"closed", "resolved"})
ESCALATED_STATUS = "escalated"
CRITICAL_PRIORITY = "critical"
LOW_ADOPTION = 0.3  # a feature used by under 30% of users is worth a workshop
MAX_LOW_ADOPTION_FEATURES = 3


@dataclass(frozen=True)
class CustomerFacts:
    name: str
    today: date
    usage_trend: float  # percent, last 4 weeks vs the 4 before
    active_users: int
    licensed_users: int
    utilisation: float | None  # 0..1; None when the licensed seat count is unknown
    low_adoption: tuple[tuple[str, float], ...]  # (feature, adoption), least adopted first
    open_cases: int
    escalated_cases: int  # open cases that are Escalated or Critical
    avg_resolution_hours: float | None
    engagement_score: int | None
    nps: int | None
    qbr_status: str | None
    meeting_frequency: str | None
    last_meeting: date | None
    renewal_date: date | None
    arr: float
    arr_history: tuple[tuple[int, float], ...]  # (year, arr), oldest first
    signal_risk: int | None
    contacts: tuple[Contact, ...]
    owner: str | None

    @property
    def days_to_renewal(self) -> int | None:
        return (self.renewal_date - self.today).days if self.renewal_date else None

    @property
    def qbr_overdue(self) -> bool:
        return (self.qbr_status or "").lower() == "overdue"

    @property
    def contact(self) -> Contact | None:
        """The main contact: the first one we can email, else the first listed."""
        return next((c for c in self.contacts if c.email), self.contacts[0] if self.contacts else None)

    @property
    def contact_first_name(self) -> str | None:
        return self.contact.name.split()[0] if self.contact and self.contact.name.strip() else None

    def risk_inputs(self) -> RiskInputs:
        return RiskInputs(
            usage_trend=self.usage_trend,
            utilisation=self.utilisation,
            open_cases=self.open_cases,
            escalated_cases=self.escalated_cases,
            engagement_score=self.engagement_score,
            nps=self.nps,
            qbr_overdue=self.qbr_overdue,
        )


def reference_date(ctx: CustomerContext, today: date | None) -> date:
    """The signal's date keeps a re-run of the same event deterministic; then the caller's
    `today`; only without either, the current UTC date."""
    if ctx.signal is not None:
        return ctx.signal.occurred_at.date()
    return today or datetime.now(UTC).date()


def gather_facts(ctx: CustomerContext, today: date | None = None) -> CustomerFacts:
    data, signal = ctx.data, ctx.signal
    usage, engagement = data.usage, data.engagement
    cases = data.salesforce.cases
    open_cases = [c for c in cases if c.status.lower() not in CLOSED_STATUSES]
    if cases:
        open_count = len(open_cases)
    else:  # no case data fetched: take the counts Active reported
        open_count = max(engagement.support_tickets, (signal.support_tickets_open if signal else None) or 0)
    trend = usage.trend
    if not usage.history and signal is not None and signal.usage_change_pct is not None:
        trend = signal.usage_change_pct
    low = sorted((v, k) for k, v in usage.feature_adoption.items() if v < LOW_ADOPTION)
    return CustomerFacts(
        name=ctx.customer.name,
        today=reference_date(ctx, today),
        usage_trend=trend,
        active_users=usage.active_users,
        licensed_users=usage.licensed_users,
        utilisation=usage.utilization_rate if usage.licensed_users > 0 else None,
        low_adoption=tuple((feature.replace("_", " "), value) for value, feature in low[:MAX_LOW_ADOPTION_FEATURES]),
        open_cases=open_count,
        escalated_cases=sum(1 for c in open_cases if _is_escalated(c)),
        avg_resolution_hours=_avg_resolution_hours(cases),
        engagement_score=_first_known(engagement.engagement_score, signal.engagement_score if signal else None),
        nps=engagement.nps,
        qbr_status=engagement.qbr_status,
        meeting_frequency=engagement.meeting_frequency,
        last_meeting=engagement.last_meeting,
        renewal_date=ctx.customer.renewal_date or (signal.renewal_date if signal else None),
        arr=data.financials.current_arr or ctx.customer.arr,
        arr_history=_arr_points(data.financials.arr_history),
        signal_risk=signal.risk_score if signal else None,
        contacts=tuple(data.salesforce.contacts),
        owner=ctx.customer.owner,
    )


def _is_escalated(case: SupportCase) -> bool:
    return case.status.lower() == ESCALATED_STATUS or (case.priority or "").lower() == CRITICAL_PRIORITY


def _arr_points(history: list[dict[str, Any]]) -> tuple[tuple[int, float], ...]:
    """(year, arr) pairs, oldest first; entries without both numbers are skipped, since
    arr_history is a loosely typed part of the context contract."""
    points = [
        (int(h["year"]), float(h["arr"]))
        for h in history
        if isinstance(h.get("year"), int) and isinstance(h.get("arr"), int | float)
    ]
    return tuple(sorted(points))


def _avg_resolution_hours(cases: list[SupportCase]) -> float | None:
    hours = [(c.closed - c.created).total_seconds() / 3600 for c in cases if c.created and c.closed]
    return round(sum(hours) / len(hours), 1) if hours else None


def _first_known(*values: int | None) -> int | None:
    return next((v for v in values if v is not None), None)
