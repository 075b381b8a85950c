"""Typed inputs and the common output of the agent's tools (each tool is an activity: these cross Temporal).

Inputs forbid unknown fields: a model that adds `"approved": true` or
`"skip_approval": true` to a call gets a validation error, not a bypass.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MemberId = str
Channel = Literal["sms", "email"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoInput(_In):
    pass


class PastDueQuery(_In):
    min_days: int = Field(0, ge=0, description="only members at least this many days past due")
    min_amount: float = Field(0, ge=0, description="only balances of at least this many dollars")


class MemberQuery(_In):
    member_id: MemberId


class InactiveQuery(_In):
    days: int = Field(30, ge=1, le=365, description="no check-in for at least this many days")


class GreenQuery(_In):
    membership_type: str | None = Field(None, description="e.g. 'Annual'; all types when omitted")
    limit: int = Field(500, ge=1, le=1000)


class ProspectQuery(_In):
    not_contacted_days: int = Field(7, ge=0, le=365)
    status: Literal["new", "contacted", "toured"] | None = None
    limit: int = Field(500, ge=1, le=5000)


class DoorStatusQuery(_In):
    locked_only: bool = False


class PerformanceQuery(_In):
    days: int = Field(7, ge=1, le=90)


class RunHistoryQuery(_In):
    agent_id: str | None = None
    limit: int = Field(10, ge=1, le=50)


class DraftRequest(_In):
    purpose: str = Field(max_length=300, description="what the message should achieve")
    audience: str = Field(max_length=300, description="who receives it, e.g. 'members inactive 30+ days'")
    channel: Channel = "sms"


class Audience(_In):
    """Who a message goes to: explicit ids, or a segment the tool resolves."""

    kind: Literal["members", "prospects"]
    ids: list[str] = Field(default_factory=list, max_length=5000)
    member_status: Literal["green", "yellow", "red"] | None = None
    inactive_days: int | None = Field(None, ge=1, le=365)
    not_contacted_days: int | None = Field(None, ge=0, le=365)
    prospect_status: Literal["new", "contacted", "toured"] | None = None
    limit: int = Field(1000, ge=1, le=5000)


class RemindersRequest(_In):
    member_ids: list[MemberId] = Field(default_factory=list, max_length=1000)
    min_days_past_due: int | None = Field(None, ge=0, description="all past-due members from this many days")
    channel: Channel = "sms"


class MessageRequest(_In):
    member_id: MemberId | None = None
    prospect_id: str | None = None
    channel: Channel = "sms"
    body: str = Field(min_length=1, max_length=1600)
    subject: str | None = Field(None, max_length=150)


class CampaignRequest(_In):
    name: str = Field(min_length=1, max_length=120)
    channel: Channel = "sms"
    body: str = Field(min_length=1, max_length=1600, description="may use {first_name}")
    subject: str | None = Field(None, max_length=150)
    audience: Audience


class DoorRequest(_In):
    member_ids: list[MemberId] = Field(default_factory=list, max_length=1000)
    min_days_past_due: int | None = Field(None, ge=0, description="all past-due members from this many days")
    reason: str = Field(min_length=3, max_length=300)


class PaymentLinkRequest(_In):
    member_id: MemberId


class ReferralRequest(_In):
    min_days_past_due: int = Field(60, ge=30)
    min_amount: float = Field(0, ge=0)


class Target(BaseModel):
    """One member or prospect a side-effecting call will touch."""

    id: str
    label: str  # name, shown on approval cards
    detail: str = ""  # e.g. "$248.43, 45 days past due"
    contact: str | None = None  # phone or email, for suppression and sending
    first_name: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


class ToolOutput(BaseModel):
    """What every tool returns: a sentence for the thread and the model, a table
    (preview rows inline, all rows stored by reference for the UI and CSV)."""

    ok: bool = True
    summary: str
    columns: list[str] = Field(default_factory=list)
    preview: list[list[Any]] = Field(default_factory=list)
    total_rows: int = 0
    result_ref: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
