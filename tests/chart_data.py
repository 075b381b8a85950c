"""Data of its own for the customer and journey charts: a customer whose risk rose over three weeks (four
stored analyses with Active's weekly usage, a renewal with steps completed and an earlier one's outcome),
and a journey with two versions walked by ten leads. Every id carries the caller's tag."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from contracts.intelligence import ContextData, CustomerContext, CustomerInfo, RiskSignal, Usage, UsagePoint
from db import intelligence_store, journey_store, renewal_projection, users
from db.engine import Database
from db.migrate import upgrade
from db.models import Enrollment, Lead, StepVisit, WorkflowStepHistory
from devstack.seed import DEMO_PASSWORD, MANAGER, OPERATOR
from journeys.library import prebuilt
from tests.home_helpers import renewal
from tests.stack import make_settings, serve

TRENDS = {
    "usage": {"direction": "down", "magnitude_pct": 20.0},
    "support": {"open_tickets": 2, "escalated": 0},
    "engagement": {"level": "low", "note": "No meeting this quarter."},
}
# (days ago, risk, health, licensed seats): one analysis per signal.
READINGS = [(20, 35, 70, 120), (13, 52, 58, 120), (6, 71, 44, 120), (1, 80, 38, 110)]
WEEKS = 12


def _at(today: date, days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=UTC)


def _usage(today: date, days_ago: int, seats: int) -> Usage:
    """Active's 12 weeks before the analysis: users falling from 100 by 5 a week."""
    last = today - timedelta(days=days_ago)
    last -= timedelta(days=last.weekday())  # weeks start on Monday
    weeks = [last - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]
    points = [UsagePoint(week=w, active_users=100 - 5 * (w - weeks[0]).days // 7, logins=300) for w in weeks]
    return Usage(active_users=points[-1].active_users, licensed_users=seats, history=points)


async def seed_customer(db: Database, tag: str, today: date, csm: str = "csm@x") -> str:
    customer = f"{tag}-customer"
    async with db.transaction() as session:
        await intelligence_store.upsert_customer(
            session,
            id=customer,
            name=f"Charted Co ({tag})",
            salesforce_id=None,
            arr=240_000.0,
            renewal_date=today + timedelta(days=25),
            account_plan="manage",
            owner_email=csm,
        )
        for n, (days_ago, risk, health, seats) in enumerate(READINGS):
            at = _at(today, days_ago)
            signal = RiskSignal(
                event_id=f"{tag}-signal-{n}", type="usage_drop", occurred_at=at, customer_id=customer, risk_score=risk
            )
            context = CustomerContext(
                customer=CustomerInfo(id=customer, name="Charted Co"),
                data=ContextData(usage=_usage(today, days_ago, seats)),
                signal=signal,
            )
            await intelligence_store.save_intelligence(session, _analysis(customer, signal, context, risk, health, at))
        # An earlier renewal, completed (renewed), and the open one with two steps done.
        await renewal_projection.upsert(
            session,
            renewal(
                tag,
                1,
                customer_id=customer,
                status="completed",
                outcome_status="renewed",
                assigned_to=csm,
                completed_at=_at(today, 15),
                stage="Prepare",
            ),
        )
        await renewal_projection.upsert(session, renewal(tag, 2, customer_id=customer, assigned_to=csm))
        for n, (days_ago, name) in enumerate([(5, "Review account health"), (2, "Call the sponsor")]):
            at = _at(today, days_ago, 14)
            session.add(
                WorkflowStepHistory(
                    workflow_id=f"renewal-{tag}-2",
                    definition_id="critical-renewal",
                    step_id=f"s{n}",
                    step_name=name,
                    actor=csm,
                    started_at=at,
                    completed_at=at,
                    duration_s=60.0,
                    outcomes={},
                )
            )
    return customer


def _analysis(
    customer: str, signal: RiskSignal, context: CustomerContext, risk: int, health: int, at: datetime
) -> dict[str, Any]:
    return {
        "customer_id": customer,
        "event_id": signal.event_id,
        "risk_score": risk,
        "health_score": health,
        "sentiment": "negative",
        "summary": "Usage is falling.",
        "trends": TRENDS,
        "insights": [],
        "recommendations": [],
        "source": "Offline analyser",
        "from_model": False,
        "context": context.model_dump(mode="json"),
        "signal": signal.model_dump(mode="json"),
        "created_at": at,
    }


# Each lead's walk: (version, status, [(step, seconds in it or None: still there)]).
SMS, SALES, WAIT, BRANCH, EMAIL, QUALIFIED = (
    "instant-sms",
    "tell-sales",
    "wait-for-booking",
    "booked",
    "booking-email",
    "qualified",
)
BOOKED = [(SMS, 20), (SALES, 600), (WAIT, 5 * 3600), (BRANCH, 1), (QUALIFIED, 2)]
NOT_BOOKED = [(SMS, 20), (SALES, 900), (WAIT, 86400), (BRANCH, 1), (EMAIL, 30)]
WALKS: list[tuple[int, str, list[tuple[str, int | None]]]] = [
    *[(1, "goal_met", BOOKED)] * 3,
    *[(1, "completed", NOT_BOOKED)] * 2,
    (1, "exited", [(SMS, 20), (SALES, 3 * 86400)]),
    *[(2, "goal_met", BOOKED)] * 2,
    (2, "completed", NOT_BOOKED),
    (2, "active", [(SMS, 20), (SALES, 300), (WAIT, None)]),
]


async def seed_journey(db: Database, journey_id: str, today: date) -> None:
    definition = prebuilt()["high-intent-fast-track"].model_dump(mode="json", exclude_none=True)
    start = _at(today, 10)
    async with db.transaction() as session:
        for note in ("first", "second"):
            await journey_store.publish(
                session,
                journey_id=journey_id,
                name=f"Fast track ({journey_id})",
                definition=definition,
                source="",
                by="test",
                note=note,
            )
        for n, (version, status, walk) in enumerate(WALKS):
            lead, enrollment = f"{journey_id}-lead-{n}", f"{journey_id}-enrollment-{n}"
            session.add(Lead(id=lead, email=f"{lead}@leads.test", properties={}, engagement={}))
            await session.flush()
            at = start
            for seq, (step, seconds) in enumerate(walk):
                left = at + timedelta(seconds=seconds) if seconds is not None else None
                session.add(
                    StepVisit(
                        enrollment_id=enrollment,
                        journey_id=journey_id,
                        version=version,
                        step_id=step,
                        seq=seq,
                        entered_at=at,
                        left_at=left,
                    )
                )
                at = left or at
            session.add(
                Enrollment(
                    id=enrollment,
                    lead_id=lead,
                    journey_id=journey_id,
                    version=version,
                    status=status,
                    current_step=walk[-1][0],
                    started_at=start,
                    finished_at=None if status == "active" else at,
                )
            )


@dataclass
class Site:
    url: str
    db: Database
    customer: str
    journey: str
    csm: str  # the customer's CSM
    other_csm: str


@asynccontextmanager
async def chart_site(tmp_path: Path) -> AsyncIterator[Site]:
    """An API of its own over a SQLite database of its own (no Temporal): the shared stack's renewals and
    journeys, which other tests work, are never touched."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'renubu.db'}"
    await upgrade(url)
    db = Database(url)
    csm, other = "dana@charts.test", "eli@charts.test"
    async with db.transaction() as session:
        await users.ensure_user(session, email=MANAGER[0], name=MANAGER[1], role="manager", password=DEMO_PASSWORD)
        await users.ensure_user(session, email=OPERATOR[0], name=OPERATOR[1], role="operator", password=DEMO_PASSWORD)
        for email in (csm, other):
            await users.ensure_user(session, email=email, name=email, role="csm", password=DEMO_PASSWORD)
    tag = f"c{uuid.uuid4().hex[:6]}"
    today = datetime.now(UTC).date()
    customer = await seed_customer(db, tag, today, csm)
    await seed_journey(db, f"{tag}-fast", today)
    app = create_app(make_settings(data_dir=tmp_path, database={"url": url}), db=db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    async with serve(app, sock):
        yield Site(f"http://127.0.0.1:{sock.getsockname()[1]}", db, customer, f"{tag}-fast", csm, other)
    await db.dispose()


@asynccontextmanager
async def logged_in(site: Site, email: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client logged in through the login form."""
    async with httpx.AsyncClient(base_url=site.url, timeout=30) as http:
        token = re.search(r'name="csrf-token" content="([^"]+)"', (await http.get("/login")).text)
        assert token, "login page has no CSRF token"
        form = {"email": email, "password": DEMO_PASSWORD, "next": "/", "csrf_token": token.group(1)}
        assert (await http.post("/login", data=form)).status_code == 303
        yield http
