"""ClubOS's resources as the client returns them. Money is Decimal: totals must add up to the cent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Self, TypedDict

from pydantic import BaseModel, ConfigDict, Field, model_validator

MemberStatus = Literal["green", "yellow", "red", "frozen", "cancelled"]
ProspectStatus = Literal["new", "contacted", "toured", "lost"]
DoorState = Literal["locked", "unlocked"]
Channel = Literal["sms", "email"]
InboxChannel = Literal["sms", "email", "app"]
DeliveryStatus = Literal["queued", "delivered", "failed"]


class MemberFilters(TypedDict, total=False):
    """Filters of the member list; given ones combine with AND, `status` matches any of its values."""

    status: Sequence[MemberStatus]
    past_due: bool
    min_days_past_due: int
    inactive_days: int  # no check-in for this many days
    door_access: DoorState


class ProspectFilters(TypedDict, total=False):
    status: Sequence[ProspectStatus]
    created_after: datetime
    not_contacted_days: int  # never contacted, or not within this many days


class Member(BaseModel):
    id: str
    first_name: str
    last_name: str
    email: str
    phone: str
    status: MemberStatus
    membership_type: str
    monthly_dues: Decimal
    amount_past_due: Decimal
    days_past_due: int = Field(ge=0)
    last_check_in: datetime | None = None
    join_date: date
    door_access: DoorState
    opt_out_sms: bool
    opt_out_email: bool
    home_club: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Prospect(BaseModel):
    id: str
    name: str
    email: str
    phone: str
    source: str
    interest: str
    created_at: datetime
    last_contacted_at: datetime | None = None
    status: ProspectStatus


class SentMessage(BaseModel):
    id: str
    channel: Channel
    to: str
    member_id: str | None = None
    prospect_id: str | None = None
    conversation_id: str | None = None
    campaign_id: str | None = None
    subject: str | None = None
    body: str
    status: DeliveryStatus
    error: str | None = None
    created_at: datetime
    delivered_at: datetime | None = None


class CampaignRecipient(BaseModel):
    """Exactly one of member_id and prospect_id."""

    model_config = ConfigDict(frozen=True)

    member_id: str | None = None
    prospect_id: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.member_id is None) == (self.prospect_id is None):
            raise ValueError("give exactly one of member_id or prospect_id")
        return self


class CampaignResult(BaseModel):
    member_id: str | None = None
    prospect_id: str | None = None
    status: Literal["sent", "skipped_opted_out", "failed"]
    message_id: str | None = None
    error: str | None = None


class CampaignTotals(BaseModel):
    recipients: int
    sent: int
    skipped_opted_out: int
    failed: int


class Campaign(BaseModel):
    id: str
    name: str
    channel: Channel
    subject: str | None = None
    body: str
    status: str
    created_at: datetime
    totals: CampaignTotals
    results: list[CampaignResult] = Field(default_factory=list)  # not included in list views


class DoorAccessResult(BaseModel):
    member_id: str
    door_access: DoorState
    previous: DoorState
    changed: bool
    log_id: str
    reason: str
    at: datetime


class DoorAccessEntry(BaseModel):
    id: str
    member_id: str
    member_name: str
    action: Literal["lock", "unlock"]
    reason: str
    previous: DoorState
    door_access: DoorState
    changed: bool
    at: datetime


class PaymentLink(BaseModel):
    id: str
    member_id: str
    url: str
    amount: Decimal
    status: Literal["open", "paid", "expired"]
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None = None


class InboxMessage(BaseModel):
    id: str
    cursor: str
    conversation_id: str
    member_id: str
    member_name: str
    direction: Literal["inbound", "outbound"]
    channel: InboxChannel
    subject: str | None = None
    body: str
    sent_at: datetime


class InboxPage(BaseModel):
    """One step of an incremental sync: store `next_cursor` and pass it as `after` next time."""

    model_config = ConfigDict(populate_by_name=True)

    messages: list[InboxMessage] = Field(alias="data")
    next_cursor: str
    has_more: bool


class Conversation(BaseModel):
    id: str
    member_id: str
    member_name: str
    message_count: int
    last_message_at: datetime
    last_message_preview: str
    last_direction: Literal["inbound", "outbound"]
    awaiting_reply: bool
