"""Deterministic seeded world: `generate(seed, today)` always yields the same data for the same inputs.

Quotas (how many renewals fall within a week, how many accounts are large) are fixed counts rather
than probabilities, so every seed gives the demo the same shape: a few urgent renewals, a long tail.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sandbox.ids import KEY_PREFIXES, id_sequence
from sandbox.models import FEATURES, Account, SandboxData, UsageProfile, User
from sandbox.seed_records import RecordFactory, email_address, slugify
from sandbox.wordlists import COMPANY_STEMS, COMPANY_SUFFIXES, CSM_ROSTER

ACCOUNT_COUNT = 240
MAX_ACCOUNTS = 1_300
LARGE_ARR = 150_000.0
DEMO_ACCOUNT = "Acme Corp"
DEMO_CSM_EMAIL = "sarah.chen@renubu.demo"
PLANS = ("invest", "expand", "manage", "monitor")


def generate(seed: int = 42, today: date | None = None, accounts: int = ACCOUNT_COUNT) -> SandboxData:
    """The whole sandbox world for `seed`, with dates relative to `today` (default: today in UTC).
    `accounts` above the default grows the long tail (benchmarks); the word lists allow ~1,300."""
    if not 30 <= accounts <= MAX_ACCOUNTS:
        raise ValueError(f"accounts must be between 30 and {MAX_ACCOUNTS}")
    return _WorldBuilder(seed, today or datetime.now(UTC).date(), accounts).build()


class _WorldBuilder:
    def __init__(self, seed: int, today: date, count: int) -> None:
        self.seed = seed
        self.count = count
        self.today = today
        self.rng = random.Random(seed)
        self.midnight = datetime.combine(today, time(), tzinfo=UTC)
        self.ids: dict[str, Iterator[str]] = {
            obj: id_sequence(prefix, start=seed * 104_729) for obj, prefix in KEY_PREFIXES.items()
        }
        self.records = RecordFactory(self.rng, today, self.ids, self.days_ago)

    def days_ago(self, low: int, high: int) -> datetime:
        return self.midnight - timedelta(days=self.rng.randint(low, high), minutes=self.rng.randint(0, 1439))

    def build(self) -> SandboxData:
        csms = [self._user(first, last, "Customer Success Manager", level) for first, last, level in CSM_ROSTER]
        # The user the API connection runs as: it owns Tasks created without an OwnerId.
        integration = self._user("Renubu", "Integration", "API Integration User", None, "integration")
        data = SandboxData(
            self.seed, self.today, [*csms, integration], [], [], [], [], integration_user_id=integration.id
        )

        names = self._company_names()
        renewals = self._renewal_offsets()
        arrs = self._arr_values()
        owners = self._balanced_owners(csms)
        for index, (name, industry) in enumerate(names):
            account = self._account(name, industry, arrs[index], renewals[index], owners[index], demo=index == 0)
            data.accounts.append(account)
            data.contacts.extend(self.records.contacts(account))
            data.opportunities.extend(self.records.opportunities(account))
            data.cases.extend(self.records.cases(account, demo=index == 0))
            open_cases = len(data.open_cases(account.id))
            account.profile.risk_score = 80 if index == 0 else self._risk_score(account, open_cases)
        # Case numbers grow with time, as in a real org.
        data.cases.sort(key=lambda case: case.created)
        for number, case in enumerate(data.cases, start=1001):
            case.case_number = f"{number:08d}"
        return data

    def _user(self, first: str, last: str, title: str, level: str | None, mailbox: str | None = None) -> User:
        email = f"{mailbox}@renubu.demo" if mailbox else email_address(first, last, "renubu.demo")
        return User(next(self.ids["User"]), first, last, email, title, level, self.days_ago(400, 1500))

    def _account(self, name: str, industry: str, arr: float, renewal_in: int, owner: User, *, demo: bool) -> Account:
        renewal = self.today + timedelta(days=renewal_in)
        years_as_customer = self.rng.randint(1, 5)
        started = renewal - timedelta(days=365 * years_as_customer + self.rng.randint(0, 20))
        key = slugify(name)
        return Account(
            id=next(self.ids["Account"]),
            key=key,
            name=name,
            domain=f"{key.replace('-', '')}.com",
            industry=industry,
            arr=arr,
            renewal_date=renewal,
            plan="invest" if demo else self._plan(arr),
            owner_id=owner.id,
            created=datetime.combine(started, time(), tzinfo=UTC),
            profile=self._profile(arr, demo=demo),
            last_modified=self.days_ago(0, 30),
        )

    def _company_names(self) -> list[tuple[str, str]]:
        names = [(DEMO_ACCOUNT, "Technology")]
        seen = {DEMO_ACCOUNT}
        suffixes = list(COMPANY_SUFFIXES)
        while len(names) < self.count:
            suffix = self.rng.choice(suffixes)
            name = f"{self.rng.choice(COMPANY_STEMS)} {suffix}"
            if name not in seen:
                seen.add(name)
                names.append((name, COMPANY_SUFFIXES[suffix]))
        return names

    def _renewal_offsets(self) -> list[int]:
        """Days to renewal: demo account at 3, four more within 6 days, 25 within 30, the rest spread."""
        rest = [self.rng.randint(2, 6) for _ in range(4)]
        rest += [self.rng.randint(7, 30) for _ in range(20)]
        rest += [self.rng.randint(31, 400) for _ in range(self.count - 25)]
        self.rng.shuffle(rest)
        return [3, *rest]

    def _arr_values(self) -> list[float]:
        """Log-normal ARR with exactly 15% of accounts above $150k; the demo account is one of them."""

        def draw(low: float, high: float) -> float:
            while True:
                value = round(math.exp(self.rng.gauss(math.log(60_000), 0.9)) / 500) * 500
                if low <= value < high:
                    return float(value)

        large_count = round(self.count * 0.15)
        values = [draw(LARGE_ARR + 500, 450_000) for _ in range(large_count - 1)]
        values += [draw(12_000, LARGE_ARR) for _ in range(self.count - large_count)]
        self.rng.shuffle(values)
        return [184_000.0, *values]

    def _balanced_owners(self, csms: list[User]) -> list[User]:
        owners = [csms[i % len(csms)] for i in range(self.count)]
        self.rng.shuffle(owners)
        swap = next(i for i, owner in enumerate(owners) if owner.email == DEMO_CSM_EMAIL)
        owners[0], owners[swap] = owners[swap], owners[0]
        return owners

    def _plan(self, arr: float) -> str:
        weights = (45, 35, 15, 5) if arr > LARGE_ARR else (10, 25, 40, 25)
        return self.rng.choices(PLANS, weights)[0]

    def _profile(self, arr: float, *, demo: bool) -> UsageProfile:
        rng = self.rng
        if demo:
            trend = -23.0
        elif rng.random() < 0.25:
            trend = round(rng.uniform(-40, -12), 1)
        else:
            trend = round(rng.triangular(-10, 25, 4), 1)
        engagement = 35 if demo else max(5, min(98, round(55 + trend * 0.8 + rng.gauss(0, 12))))
        frequency = "monthly" if engagement > 65 else "rarely" if engagement < 30 else "quarterly"
        last_meeting: date | None = None
        if frequency != "rarely" or rng.random() < 0.8:
            low, high = {"monthly": (3, 35), "quarterly": (20, 100), "rarely": (90, 240)}[frequency]
            last_meeting = self.today - timedelta(days=rng.randint(low, high))
        overdue = last_meeting is None or (self.today - last_meeting).days > 90
        baseline = rng.uniform(0.45, 0.78)
        current = baseline * (1 + trend / 100)
        return UsageProfile(
            trend_pct=trend,
            licensed_users=max(10, min(2000, round(arr / rng.uniform(150, 600)))),
            baseline_utilization=round(baseline, 3),
            logins_per_user=round(rng.uniform(2.5, 6.0), 2),
            feature_adoption={
                feature: round(max(0.02, min(0.98, current * rng.uniform(0.4, 1.3))), 2) for feature in FEATURES
            },
            engagement_score=engagement,
            nps=max(-100, min(100, round((engagement - 50) * 1.2 + rng.gauss(0, 20)))),
            last_meeting=last_meeting,
            meeting_frequency=frequency,
            qbr_status="overdue" if overdue else rng.choice(("scheduled", "completed")),
            risk_score=0,  # known once the account's cases exist
        )

    def _risk_score(self, account: Account, open_cases: int) -> int:
        profile = account.profile
        score = 30 - profile.trend_pct * 1.2 + (60 - profile.engagement_score) * 0.4 + open_cases * 4
        if (account.renewal_date - self.today).days <= 30:
            score += 10
        return max(3, min(97, round(score)))
