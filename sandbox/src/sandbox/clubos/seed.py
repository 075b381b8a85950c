"""The seeded gym: `generate(seed, today, club_id)` always yields the same club for the same inputs.

Headline numbers are fixed quotas rather than probabilities, so every seed gives the demo the same
shape: 294 members in good standing, 35 past due owing exactly $8,165.26 (34 of them 10+ days
late), ~20 frozen or cancelled, and 3,832 prospects from the last 90 days.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta

from sandbox.clubos.inbox import Inbox
from sandbox.clubos.models import (
    Club,
    ClubWorld,
    Member,
    MemberStatus,
    Prospect,
    ProspectStatus,
    billing_status,
)
from sandbox.clubos.past_due import PAST_DUE_COUNT, past_due_balances
from sandbox.clubos.people import PeopleFactory
from sandbox.clubos.wordlists import MEMBERSHIP_TYPES, PROSPECT_INTERESTS, PROSPECT_SOURCES, SEEDED_THREADS

CLUB_NAME = "Anytime Fitness Riverside"
GREEN_COUNT = 294
FROZEN_COUNT = 12
CANCELLED_COUNT = 8
PROSPECT_COUNT = 3_832
PROSPECT_DAYS = 90
SMS_OPT_OUTS = 6  # one of them past due, so a reminder run meets a skipped recipient
EMAIL_OPT_OUTS = 5
LANDLINES = 4  # SMS to these fails delivery; one past-due member among them
TYPO_EMAILS = 2


def generate(seed: int, today: date, club_id: str) -> ClubWorld:
    rng = random.Random(f"clubos:{seed}")
    midnight = datetime.combine(today, time(), tzinfo=UTC)
    club = Club(
        id=club_id,
        name=CLUB_NAME,
        timezone="America/New_York",
        phone="+15555550100",
        email="riverside@anytimefitness.example",
        address="4120 Riverside Dr, Riverside",
    )
    people = PeopleFactory(rng)
    members = _members(rng, people, midnight, club_id)
    return ClubWorld(club, today, members, _prospects(rng, people, midnight))


def seed_inbox(world: ClubWorld, inbox: Inbox, seed: int) -> None:
    """The conversations already going on: member questions, staff replies, a few awaiting an answer."""
    rng = random.Random(f"clubos-inbox:{seed}")
    midnight = datetime.combine(world.today, time(), tzinfo=UTC)
    talkers = rng.sample([m for m in world.members if m.status in ("green", "yellow", "red")], len(SEEDED_THREADS))
    posts = []
    for member, (channel, subject, turns) in zip(talkers, SEEDED_THREADS, strict=True):
        at = midnight - timedelta(days=rng.randint(1, 6)) + timedelta(minutes=rng.randint(7 * 60, 19 * 60))
        for direction, text in turns:
            posts.append((at, member, direction, channel, subject, text.format(first=member.first_name)))
            at += timedelta(minutes=rng.randint(4, 90))
    for at, member, direction, channel, subject, text in sorted(posts, key=lambda post: post[0]):
        inbox.post(member, direction, channel, text, subject=subject, sent_at=at)


def _members(rng: random.Random, people: PeopleFactory, midnight: datetime, club_id: str) -> list[Member]:
    # None stands for "past due": yellow or red, depending on the balance it is given below.
    quotas: tuple[tuple[MemberStatus | None, int], ...] = (
        ("green", GREEN_COUNT),
        (None, PAST_DUE_COUNT),
        ("frozen", FROZEN_COUNT),
        ("cancelled", CANCELLED_COUNT),
    )
    kinds = [kind for kind, count in quotas for _ in range(count)]
    rng.shuffle(kinds)
    # Older members have lower ids, as in a system that numbers sign-ups.
    joined = sorted(midnight.date() - timedelta(days=rng.randint(20, 2200)) for _ in kinds)
    numbers = sorted(rng.sample(range(102_000, 190_000), len(kinds)))
    balances = iter(past_due_balances(rng))
    plans = [(name, dues) for name, dues, _ in MEMBERSHIP_TYPES]
    weights = [weight for *_, weight in MEMBERSHIP_TYPES]
    members = []
    for kind, join_date, number in zip(kinds, joined, numbers, strict=True):
        first, last = people.name()
        plan, dues = rng.choices(plans, weights)[0]
        cents, days = next(balances) if kind is None else (0, 0)
        status = kind if kind is not None else billing_status(days)
        members.append(
            Member(
                id=f"M{number:06d}",
                first_name=first,
                last_name=last,
                email=people.email(first, last),
                phone=people.phone(),
                status=status,
                membership_type=plan,
                monthly_dues_cents=dues,
                past_due_cents=cents,
                days_past_due=days,
                last_check_in=_last_check_in(rng, status, midnight),
                join_date=join_date,
                home_club=club_id,
            )
        )
    _assign_quirks(rng, people, members)
    return members


def _last_check_in(rng: random.Random, status: MemberStatus, midnight: datetime) -> datetime:
    """Most members train weekly; some drift away (30+ days), which re-engagement campaigns target."""
    if status == "frozen":
        low, high = 35, 120
    elif status == "cancelled":
        low, high = 60, 400
    elif rng.random() < (0.5 if status in ("yellow", "red") else 0.2):
        low, high = 30, 150
    else:
        low, high = 0, 12
    # Counting back from midnight keeps every visit in the past, whatever the time of day now.
    return midnight - timedelta(days=rng.randint(low, high), minutes=rng.randint(2 * 60, 19 * 60))


def _assign_quirks(rng: random.Random, people: PeopleFactory, members: list[Member]) -> None:
    """Opt-outs, landline numbers and mistyped email domains, each on fixed counts of members."""
    owing = [m for m in members if m.past_due_cents]
    paying = [m for m in members if m.status == "green"]
    owing_picks = rng.sample(owing, 2)
    green_picks = iter(rng.sample(paying, SMS_OPT_OUTS + EMAIL_OPT_OUTS + LANDLINES + TYPO_EMAILS - 2))
    for member in [owing_picks[0], *itertools.islice(green_picks, SMS_OPT_OUTS - 1)]:
        member.opt_out_sms = True
    for member in itertools.islice(green_picks, EMAIL_OPT_OUTS):
        member.opt_out_email = True
    for member in [owing_picks[1], *itertools.islice(green_picks, LANDLINES - 1)]:
        member.phone = people.phone(landline=True)
    for member in itertools.islice(green_picks, TYPO_EMAILS):
        member.email = people.email(member.first_name, member.last_name, typo=True)


def _prospects(rng: random.Random, people: PeopleFactory, midnight: datetime) -> list[Prospect]:
    created = sorted(
        midnight - timedelta(days=rng.randint(0, PROSPECT_DAYS - 1), minutes=rng.randint(2 * 60, 18 * 60))
        for _ in range(PROSPECT_COUNT)
    )
    numbers = sorted(rng.sample(range(300_000, 990_000), PROSPECT_COUNT))
    sources = [source for source, _ in PROSPECT_SOURCES]
    source_weights = [weight for _, weight in PROSPECT_SOURCES]
    prospects = []
    for created_at, number in zip(created, numbers, strict=True):
        first, last = people.name()
        status = _prospect_status(rng, (midnight - created_at).days)
        contacted = None
        if status != "new":
            span = max(60.0, (midnight - created_at).total_seconds())
            contacted = created_at + timedelta(seconds=rng.uniform(30 * 60, span))
        prospects.append(
            Prospect(
                id=f"P{number:06d}",
                name=f"{first} {last}",
                email=people.email(first, last),
                phone=people.phone(landline=rng.random() < 0.01),
                source=rng.choices(sources, source_weights)[0],
                interest=rng.choice(PROSPECT_INTERESTS),
                created_at=created_at,
                status=status,
                last_contacted_at=contacted,
            )
        )
    return prospects


def _prospect_status(rng: random.Random, age_days: int) -> ProspectStatus:
    statuses: tuple[ProspectStatus, ...] = ("new", "contacted", "toured", "lost")
    weights = (85, 15, 0, 0) if age_days <= 2 else (20, 45, 15, 20)
    return rng.choices(statuses, weights)[0]
