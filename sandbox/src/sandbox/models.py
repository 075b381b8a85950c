"""The sandbox's in-memory world: CSMs, accounts with their usage profile, and their CRM records.

Both fake systems read the same objects, so a change made through one (say, an Active signal
that moves a renewal date) is what the other one reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

OPEN_CASE_STATUSES = ("New", "Working", "Escalated")
FEATURES = ("dashboards", "reports", "integrations", "automations", "mobile_app")


@dataclass
class User:
    id: str
    first_name: str
    last_name: str
    email: str
    title: str
    experience_level: str | None
    created: datetime
    is_active: bool = True

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class UsageProfile:
    """What the customer-intelligence platform knows about an account."""

    trend_pct: float  # change of weekly active users, last 4 weeks vs the 4 before
    licensed_users: int
    baseline_utilization: float  # share of licences in use before the trend started
    logins_per_user: float
    feature_adoption: dict[str, float]
    engagement_score: int  # 0..100
    nps: int  # -100..100
    last_meeting: date | None
    meeting_frequency: str  # monthly / quarterly / rarely
    qbr_status: str  # scheduled / overdue / completed
    risk_score: int  # 0..100

    @property
    def utilization(self) -> float:
        return min(1.0, self.baseline_utilization * (1 + self.trend_pct / 100))

    @property
    def active_users(self) -> int:
        return round(self.licensed_users * self.utilization)


@dataclass
class Account:
    id: str
    key: str  # Customer_Key__c, also the customer id in Active
    name: str
    domain: str
    industry: str
    arr: float
    renewal_date: date
    plan: str  # invest / expand / manage / monitor
    owner_id: str
    created: datetime
    profile: UsageProfile
    last_modified: datetime

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}"


@dataclass
class Contact:
    id: str
    account_id: str
    first_name: str
    last_name: str
    title: str
    email: str
    phone: str
    created: datetime

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Opportunity:
    id: str
    account_id: str
    name: str
    type: str  # Renewal / Expansion
    stage: str
    amount: float
    close_date: date
    created: datetime

    @property
    def is_closed(self) -> bool:
        return self.stage.startswith("Closed")

    @property
    def is_won(self) -> bool:
        return self.stage == "Closed Won"


@dataclass
class Case:
    id: str
    case_number: str
    account_id: str
    owner_id: str
    subject: str
    status: str
    priority: str
    origin: str
    created: datetime
    closed: datetime | None

    @property
    def is_closed(self) -> bool:
        return self.status not in OPEN_CASE_STATUSES


@dataclass
class Task:
    id: str
    what_id: str | None
    account_id: str | None
    subject: str | None
    description: str | None
    activity_date: date | None
    status: str
    priority: str
    owner_id: str
    renubu_key: str | None
    created: datetime
    last_modified: datetime

    @property
    def is_closed(self) -> bool:
        return self.status in ("Completed", "Deferred")


@dataclass
class SandboxData:
    seed: int
    today: date
    users: list[User]
    accounts: list[Account]
    contacts: list[Contact]
    opportunities: list[Opportunity]
    cases: list[Case]
    tasks: list[Task] = field(default_factory=list)
    integration_user_id: str = ""  # the API connection's "run as" user
    # Told about every account changed after generation (the sandbox keeps it in its state file).
    on_change: Callable[[Account], None] = field(default=lambda _: None, repr=False, compare=False)

    @property
    def csms(self) -> list[User]:
        return [user for user in self.users if user.experience_level is not None]

    # Accounts and users are fixed once generated (only Tasks are added), so the indexes stay valid.
    @cached_property
    def _accounts_by_key(self) -> dict[str, Account]:
        return {account.key: account for account in self.accounts}

    @cached_property
    def _accounts_by_id(self) -> dict[str, Account]:
        return {account.id: account for account in self.accounts}

    @cached_property
    def _users_by_id(self) -> dict[str, User]:
        return {user.id: user for user in self.users}

    def account_by_key(self, key: str) -> Account | None:
        return self._accounts_by_key.get(key)

    def account_by_id(self, account_id: str) -> Account | None:
        return self._accounts_by_id.get(account_id)

    def user_by_id(self, user_id: str) -> User | None:
        return self._users_by_id.get(user_id)

    def open_cases(self, account_id: str) -> list[Case]:
        return [case for case in self.cases if case.account_id == account_id and not case.is_closed]

    def open_renewal(self, account_id: str) -> Opportunity | None:
        return next(
            (
                opp
                for opp in self.opportunities
                if opp.account_id == account_id and opp.type == "Renewal" and not opp.is_closed
            ),
            None,
        )

    def set_renewal_date(self, account: Account, renewal_date: date, now: datetime) -> None:
        """Move the renewal, keeping the open renewal opportunity's close date in step (call `changed` after)."""
        account.renewal_date = renewal_date
        account.last_modified = now
        renewal = self.open_renewal(account.id)
        if renewal is not None:
            renewal.close_date = renewal_date

    def changed(self, account: Account) -> None:
        """`account` (or its open renewal) was edited: an admin change, an Active signal's overrides."""
        self.on_change(account)
