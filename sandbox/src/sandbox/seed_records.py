"""Per-account CRM records for the seeded world: contacts, opportunities and support cases."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta

from sandbox.models import OPEN_CASE_STATUSES, Account, Case, Contact, Opportunity
from sandbox.wordlists import AREA_CODES, CASE_ORIGINS, CASE_SUBJECTS, CONTACT_TITLES, FIRST_NAMES, LAST_NAMES

EXECUTIVE_TITLES = (
    "VP Operations",
    "Chief Operating Officer",
    "Chief Financial Officer",
    "Chief Technology Officer",
)
PRIORITIES = ("Low", "Medium", "High", "Critical")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def email_address(first: str, last: str, domain: str) -> str:
    return f"{slugify(first).replace('-', '')}.{slugify(last).replace('-', '')}@{domain}"


def _renewal_stage(days_left: int) -> str:
    if days_left <= 14:
        return "Negotiation/Review"
    if days_left <= 45:
        return "Proposal/Price Quote"
    if days_left <= 120:
        return "Value Proposition"
    return "Qualification"


class RecordFactory:
    def __init__(
        self,
        rng: random.Random,
        today: date,
        ids: dict[str, Iterator[str]],
        days_ago: Callable[[int, int], datetime],
    ) -> None:
        self.rng = rng
        self.today = today
        self.ids = ids
        self.days_ago = days_ago

    def contacts(self, account: Account) -> list[Contact]:
        count = self.rng.randint(2, 5)
        others = [title for title in CONTACT_TITLES if title not in EXECUTIVE_TITLES]
        titles = [self.rng.choice(EXECUTIVE_TITLES), *self.rng.sample(others, count - 1)]
        people = self.rng.sample([(first, last) for first in FIRST_NAMES for last in LAST_NAMES], count)
        area = self.rng.choice(AREA_CODES)
        return [
            Contact(
                id=next(self.ids["Contact"]),
                account_id=account.id,
                first_name=first,
                last_name=last,
                title=title,
                email=email_address(first, last, account.domain),
                phone=f"+1 {area} 555 01{self.rng.randint(0, 99):02d}",  # 555-01xx: reserved for fiction
                created=self.days_ago(30, 900),
            )
            for (first, last), title in zip(people, titles, strict=True)
        ]

    def opportunities(self, account: Account) -> list[Opportunity]:
        """The open renewal, up to two past Closed Won renewals (the ARR history), maybe an expansion."""
        renewal = account.renewal_date
        opps = [
            self._opportunity(
                account,
                f"{account.name} - Renewal {renewal.year}",
                "Renewal",
                _renewal_stage((renewal - self.today).days),
                account.arr * self.rng.uniform(0.97, 1.08),
                renewal,
            )
        ]
        arr = account.arr
        for years_back in (1, 2):
            close = renewal - timedelta(days=365 * years_back)
            if close <= account.created.date():
                break
            if close < self.today:
                arr /= self.rng.uniform(0.98, 1.15)
                opps.append(
                    self._opportunity(
                        account, f"{account.name} - Renewal {close.year}", "Renewal", "Closed Won", arr, close
                    )
                )
        if len(opps) < 3 and self.rng.random() < 0.25:
            amount = account.arr * self.rng.uniform(0.1, 0.3)
            if self.rng.random() < 0.5:
                close, stage = self.today + timedelta(days=self.rng.randint(15, 90)), "Proposal/Price Quote"
            else:
                close, stage = self.today - timedelta(days=self.rng.randint(20, 200)), "Closed Won"
            opps.append(self._opportunity(account, f"{account.name} - Expansion", "Expansion", stage, amount, close))
        return opps

    def _opportunity(
        self, account: Account, name: str, kind: str, stage: str, amount: float, close: date
    ) -> Opportunity:
        opened = min(close - timedelta(days=self.rng.randint(60, 150)), self.today - timedelta(days=1))
        return Opportunity(
            id=next(self.ids["Opportunity"]),
            account_id=account.id,
            name=name,
            type=kind,
            stage=stage,
            amount=float(round(amount / 100) * 100),
            close_date=close,
            created=datetime.combine(max(opened, account.created.date()), time(9), tzinfo=UTC),
        )

    def cases(self, account: Account, *, demo: bool) -> list[Case]:
        """Falling usage brings tickets: declining accounts carry more open cases."""
        trend = account.profile.trend_pct
        if demo:
            open_count = 5
        elif trend < -15:
            open_count = self.rng.randint(2, 6)
        elif trend < 0:
            open_count = self.rng.randint(0, 2)
        else:
            open_count = self.rng.choices((0, 1), (70, 30))[0]
        closed_count = self.rng.randint(0, min(6, 12 - open_count))
        return [self._case(account, is_open=True) for _ in range(open_count)] + [
            self._case(account, is_open=False) for _ in range(closed_count)
        ]

    def _case(self, account: Account, *, is_open: bool) -> Case:
        subject, typical = self.rng.choice(CASE_SUBJECTS)
        shift = self.rng.choices((-1, 0, 1), (15, 70, 15))[0]
        priority = PRIORITIES[max(0, min(3, PRIORITIES.index(typical) + shift))]
        closed: datetime | None = None
        if is_open:
            created = self.days_ago(0, 45)
            escalated = priority == "Critical" or (priority == "High" and self.rng.random() < 0.4)
            status = "Escalated" if escalated else self.rng.choice(OPEN_CASE_STATUSES[:2])
        else:
            created = self.days_ago(10, 365)
            status = "Closed"
            resolved_after = timedelta(days=self.rng.randint(1, 21), hours=self.rng.randint(1, 8))
            closed = min(created + resolved_after, datetime.combine(self.today, time(), tzinfo=UTC))
        return Case(
            id=next(self.ids["Case"]),
            case_number="",  # numbered once all cases exist, in creation order
            account_id=account.id,
            owner_id=account.owner_id,
            subject=subject,
            status=status,
            priority=priority,
            origin=self.rng.choice(CASE_ORIGINS),
            created=created,
            closed=closed,
        )
