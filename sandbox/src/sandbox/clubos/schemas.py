"""Request bodies of the ClubOS API and its admin endpoints."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sandbox.clubos.campaigns import MAX_RECIPIENTS
from sandbox.clubos.door import DoorAction
from sandbox.clubos.inbox import InboxChannel
from sandbox.clubos.messaging import Channel


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


class SendMessageRequest(_Body):
    channel: Channel
    body: str
    subject: str | None = Field(None, max_length=200)
    member_id: str | None = None
    prospect_id: str | None = None
    to: str | None = None
    # The one message a carrier lets through after STOP: the confirmation of the opt-out.
    purpose: Literal["opt_out_confirmation"] | None = None

    _body_not_blank = field_validator("body")(_not_blank)


class CampaignRecipient(_Body):
    member_id: str | None = None
    prospect_id: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.member_id is None) == (self.prospect_id is None):
            raise ValueError("give exactly one of member_id or prospect_id")
        return self


class CampaignRequest(_Body):
    name: str = Field(min_length=1, max_length=200)
    channel: Channel
    body: str
    subject: str | None = Field(None, max_length=200)
    recipients: list[CampaignRecipient] = Field(min_length=1, max_length=MAX_RECIPIENTS)

    _body_not_blank = field_validator("body")(_not_blank)


class DoorAccessRequest(_Body):
    action: DoorAction
    reason: str = Field(min_length=1, max_length=500)

    _reason_not_blank = field_validator("reason")(_not_blank)


class PaymentLinkRequest(_Body):
    amount: Decimal | None = Field(None, gt=0, max_digits=9, decimal_places=2)  # dollars


class InboundRequest(_Body):
    member_id: str
    body: str = Field(max_length=5000)
    channel: InboxChannel = "sms"
    subject: str | None = Field(None, max_length=200)
    wait: bool = False  # return once the first push attempt is done

    _body_not_blank = field_validator("body")(_not_blank)


class PushSettings(_Body):
    enabled: bool | None = None
    drop_rate: float | None = Field(None, ge=0, le=1)
    drop_next: int | None = Field(None, ge=0)
    url: str | None = Field(None, pattern=r"^https?://")
    backoff_scale: float | None = Field(None, ge=0, le=10)


class TimerSettings(_Body):
    interval_s: float = Field(ge=0, le=24 * 3600)


class ResetRequest(_Body):
    seed: int | None = Field(None, ge=0)
