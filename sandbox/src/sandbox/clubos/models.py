"""The club's people: members (billing and door state) and prospects (leads), plus the JSON ClubOS shows.

Money is kept in integer cents so totals are exact; the API shows dollars with two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

MemberStatus = Literal["green", "yellow", "red", "frozen", "cancelled"]
ProspectStatus = Literal["new", "contacted", "toured", "lost"]
DoorState = Literal["locked", "unlocked"]
RED_AFTER_DAYS = 30  # 1-30 days past due is "yellow", more is "red"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dollars(cents: int) -> float:
    return cents / 100


def billing_status(days_past_due: int) -> MemberStatus:
    if days_past_due <= 0:
        return "green"
    return "yellow" if days_past_due <= RED_AFTER_DAYS else "red"


@dataclass(frozen=True)
class Club:
    id: str
    name: str
    timezone: str
    phone: str
    email: str
    address: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "timezone": self.timezone,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
        }


@dataclass
class Member:
    id: str
    first_name: str
    last_name: str
    email: str
    phone: str
    status: MemberStatus
    membership_type: str
    monthly_dues_cents: int
    past_due_cents: int
    days_past_due: int
    last_check_in: datetime | None
    join_date: date
    home_club: str
    door_access: DoorState = "unlocked"
    opt_out_sms: bool = False
    opt_out_email: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def inactive_for(self, days: int, now: datetime) -> bool:
        return self.last_check_in is None or now - self.last_check_in >= timedelta(days=days)

    def settle(self, cents: int) -> None:
        """Apply a payment; a cleared balance puts a yellow/red member back in good standing."""
        self.past_due_cents = max(0, self.past_due_cents - cents)
        if self.past_due_cents == 0:
            self.days_past_due = 0
            if self.status in ("yellow", "red"):
                self.status = "green"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "phone": self.phone,
            "status": self.status,
            "membership_type": self.membership_type,
            "monthly_dues": dollars(self.monthly_dues_cents),
            "amount_past_due": dollars(self.past_due_cents),
            "days_past_due": self.days_past_due,
            "last_check_in": iso(self.last_check_in) if self.last_check_in else None,
            "join_date": self.join_date.isoformat(),
            "door_access": self.door_access,
            "opt_out_sms": self.opt_out_sms,
            "opt_out_email": self.opt_out_email,
            "home_club": self.home_club,
        }


@dataclass
class Prospect:
    id: str
    name: str
    email: str
    phone: str
    source: str
    interest: str
    created_at: datetime
    status: ProspectStatus
    last_contacted_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "source": self.source,
            "interest": self.interest,
            "created_at": iso(self.created_at),
            "last_contacted_at": iso(self.last_contacted_at) if self.last_contacted_at else None,
            "status": self.status,
        }


@dataclass
class ClubWorld:
    """The seeded club; members and prospects in id order."""

    club: Club
    today: date
    members: list[Member]
    prospects: list[Prospect]
    _members: dict[str, Member] = field(init=False, repr=False)
    _prospects: dict[str, Prospect] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._members = {member.id: member for member in self.members}
        self._prospects = {prospect.id: prospect for prospect in self.prospects}

    def member(self, member_id: str) -> Member | None:
        return self._members.get(member_id)

    def prospect(self, prospect_id: str) -> Prospect | None:
        return self._prospects.get(prospect_id)

    def members_at(self, address: str) -> list[Member]:
        """Members whose phone or email is `address` (emails compared case-insensitively)."""
        wanted = address.lower()
        return [m for m in self.members if m.phone == address or m.email.lower() == wanted]
