"""The seeded world: deterministic, realistic in shape, and carrying the demo scenario."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

import pytest

from sandbox.models import FEATURES, SandboxData
from sandbox.seed_data import generate

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def data() -> SandboxData:
    return generate(42, TODAY)


def test_same_seed_and_day_give_identical_data(data: SandboxData) -> None:
    assert generate(42, TODAY) == data


def test_another_seed_gives_other_accounts_but_the_same_demo_account(data: SandboxData) -> None:
    other = generate(7, TODAY)
    assert [a.name for a in other.accounts[1:]] != [a.name for a in data.accounts[1:]]
    assert other.accounts[0].name == "Acme Corp"


def test_dates_follow_today(data: SandboxData) -> None:
    later = generate(42, TODAY + timedelta(days=10))
    assert [a.renewal_date - timedelta(days=10) for a in later.accounts] == [a.renewal_date for a in data.accounts]


def test_csms(data: SandboxData) -> None:
    csms = data.csms
    assert len(csms) == 8
    assert {csm.title for csm in csms} == {"Customer Success Manager"}
    levels = Counter(csm.experience_level for csm in csms)
    assert levels["senior"] >= 2 and levels["principal"] >= 1 and levels["junior"] >= 2
    assert all(csm.email.endswith("@renubu.demo") for csm in csms)
    sarah = next(csm for csm in csms if csm.email == "sarah.chen@renubu.demo")
    assert (sarah.name, sarah.experience_level) == ("Sarah Chen", "senior")


def test_accounts_are_unique_and_keyed_by_slug(data: SandboxData) -> None:
    assert len(data.accounts) == 240
    assert len({a.name for a in data.accounts}) == 240
    assert len({a.key for a in data.accounts}) == 240
    assert all(a.key == a.name.lower().replace(" ", "-") for a in data.accounts)
    assert all(a.website == f"https://www.{a.domain}" for a in data.accounts)


def test_demo_account(data: SandboxData) -> None:
    acme = data.account_by_key("acme-corp")
    assert acme is not None and acme.name == "Acme Corp"
    assert (acme.renewal_date - TODAY).days == 3
    assert acme.arr > 150_000 and acme.plan == "invest"
    owner = data.user_by_id(acme.owner_id)
    assert owner is not None and owner.email == "sarah.chen@renubu.demo"
    assert acme.profile.trend_pct == -23.0
    assert len(data.open_cases(acme.id)) == 5


def test_arr_distribution(data: SandboxData) -> None:
    arrs = [a.arr for a in data.accounts]
    assert min(arrs) >= 12_000 and max(arrs) <= 450_000
    assert 0.12 <= sum(arr > 150_000 for arr in arrs) / len(arrs) <= 0.18
    assert 40_000 <= statistics.median(arrs) <= 90_000


def test_renewals_spread_with_a_few_urgent(data: SandboxData) -> None:
    days = [(a.renewal_date - TODAY).days for a in data.accounts]
    assert min(days) >= 2 and max(days) <= 400
    assert 3 <= sum(d <= 6 for d in days) <= 8
    assert 20 <= sum(d <= 30 for d in days) <= 30
    assert sum(d > 200 for d in days) > 80


def test_owners_roughly_balanced(data: SandboxData) -> None:
    per_owner = Counter(a.owner_id for a in data.accounts)
    assert set(per_owner) == {csm.id for csm in data.csms}
    assert max(per_owner.values()) - min(per_owner.values()) <= 10


def test_plans_and_profiles(data: SandboxData) -> None:
    assert {a.plan for a in data.accounts} == {"invest", "expand", "manage", "monitor"}
    for account in data.accounts:
        profile = account.profile
        assert -40 <= profile.trend_pct <= 25
        assert 10 <= profile.licensed_users <= 2000
        assert 0 < profile.utilization <= 1
        assert set(profile.feature_adoption) == set(FEATURES)
        assert all(0 <= v <= 1 for v in profile.feature_adoption.values())
        assert 0 <= profile.engagement_score <= 100 and -100 <= profile.nps <= 100
        assert 0 <= profile.risk_score <= 100
        assert profile.meeting_frequency in ("monthly", "quarterly", "rarely")
        assert profile.qbr_status in ("scheduled", "overdue", "completed")


def test_contacts(data: SandboxData) -> None:
    per_account = Counter(c.account_id for c in data.contacts)
    assert set(per_account) == {a.id for a in data.accounts}
    assert all(2 <= n <= 5 for n in per_account.values())
    for contact in data.contacts:
        account = data.account_by_id(contact.account_id)
        assert account is not None and contact.email.endswith("@" + account.domain)
        assert contact.title and contact.phone.startswith("+1 ")


def test_opportunities_carry_the_renewal_and_arr_history(data: SandboxData) -> None:
    per_account = Counter(o.account_id for o in data.opportunities)
    assert all(1 <= n <= 3 for n in per_account.values())
    for account in data.accounts:
        renewal = data.open_renewal(account.id)
        assert renewal is not None and renewal.close_date == account.renewal_date
        assert abs(renewal.amount - account.arr) <= 0.1 * account.arr
    won = [o for o in data.opportunities if o.type == "Renewal" and o.is_won]
    assert len(won) > 100 and all(o.close_date < TODAY for o in won)
    assert any(o.type == "Expansion" for o in data.opportunities)


def test_cases_follow_usage(data: SandboxData) -> None:
    per_account = Counter(c.account_id for c in data.cases)
    assert all(n <= 12 for n in per_account.values())
    assert {c.status for c in data.cases} == {"New", "Working", "Escalated", "Closed"}
    assert {c.priority for c in data.cases} == {"Low", "Medium", "High", "Critical"}
    assert all((c.closed is None) == (c.status != "Closed") for c in data.cases)
    assert all(c.closed is None or c.closed > c.created for c in data.cases)
    falling = [a for a in data.accounts if a.profile.trend_pct < -15]
    rising = [a for a in data.accounts if a.profile.trend_pct > 0]
    assert statistics.mean(len(data.open_cases(a.id)) for a in falling) > 2 * statistics.mean(
        len(data.open_cases(a.id)) for a in rising
    )


def test_salesforce_style_ids(data: SandboxData) -> None:
    prefixes = {"001": data.accounts, "003": data.contacts, "006": data.opportunities, "500": data.cases}
    prefixes["005"] = data.users
    for prefix, records in prefixes.items():
        ids = [r.id for r in records]
        assert len(set(ids)) == len(ids)
        assert all(len(i) == 18 and i.startswith(prefix) for i in ids)
