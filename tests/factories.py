"""Builders for test data shared across test modules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from contracts import ids
from contracts.actors import Actor
from contracts.renewals import IntelligenceUpdate, Priority, RenewalState
from rules.scoring import priority_score

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
CSM = Actor(email="sarah.chen@renubu.demo", role="csm", name="Sarah Chen")
OTHER_CSM = Actor(email="ben@renubu.demo", role="csm")
MANAGER = Actor(email="maria.lopez@renubu.demo", role="manager")
OPERATOR = Actor(email="omar@renubu.demo", role="operator")


def priority(definition: str = "emergency-renewal", load: int = 5) -> Priority:
    f = priority_score(definition, 200_000, "invest", "senior", load)
    return Priority(**f.as_dict(), explanation=f.explain())


def update(
    event_id: str = "evt-1",
    stage: str = "Emergency",
    risk: int = 80,
    renewal: date = date(2026, 11, 25),
    assigned_to: str = CSM.email,
) -> IntelligenceUpdate:
    return IntelligenceUpdate(
        event_id=event_id,
        intelligence_id=1,
        customer_name="Acme Corp",
        stage=stage,
        risk_score=risk,
        usage_trend=-23.0,
        arr=200_000,
        account_plan="invest",
        summary="Usage down 23%.",
        analysis_source="Offline analyser (no API key)",
        assigned_to=assigned_to,
        csm_name="Sarah Chen",
        assignment_reason="least loaded",
        priority=priority(f"{stage.lower()}-renewal"),
        expires_at=datetime.combine(renewal + timedelta(days=1), datetime.min.time(), tzinfo=UTC),
    )


def state(renewal: date = date(2026, 11, 25)) -> RenewalState:
    return RenewalState(
        workflow_id=ids.renewal("acme-corp", renewal),
        customer_id="acme-corp",
        customer_name="Acme Corp",
        renewal_date=renewal,
        created_at=NOW,
    )
