"""Bulk sends: one campaign, many recipients, a result per recipient instead of one failure for all.

Content problems (body too long, missing subject) reject the whole campaign; recipient problems
only that recipient: opted out -> "skipped_opted_out", unknown or listed twice -> "failed".
`{first_name}` in the body or subject is replaced per recipient (ClubOS's one merge field).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sandbox.clubos.messaging import Channel, Messenger, Recipient, check_content
from sandbox.clubos.models import iso
from sandbox.clubos.spec import Rejected
from sandbox.persist import MEMORY, StateStore

MAX_RECIPIENTS = 1000
FIRST_NAME = "{first_name}"
ResultStatus = Literal["sent", "skipped_opted_out", "failed"]


@dataclass(frozen=True)
class CampaignResult:
    member_id: str | None
    prospect_id: str | None
    status: ResultStatus
    message_id: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "prospect_id": self.prospect_id,
            "status": self.status,
            "message_id": self.message_id,
            "error": self.error,
        }


@dataclass
class Campaign:
    id: str
    name: str
    channel: Channel
    subject: str | None
    body: str
    created_at: datetime
    results: list[CampaignResult]
    idempotency_key: str | None = None

    def totals(self) -> dict[str, int]:
        totals = {"recipients": len(self.results), "sent": 0, "skipped_opted_out": 0, "failed": 0}
        for result in self.results:
            totals[result.status] += 1
        return totals

    def as_dict(self, *, with_results: bool = True) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "channel": self.channel,
            "subject": self.subject,
            "body": self.body,
            "status": "completed",  # sends are accepted synchronously; delivery is per message
            "created_at": iso(self.created_at),
            "totals": self.totals(),
        }
        if with_results:
            summary["results"] = [result.as_dict() for result in self.results]
        return summary


class Campaigns:
    def __init__(self, messenger: Messenger, clock: Callable[[], datetime], store: StateStore = MEMORY) -> None:
        self._messenger = messenger
        self._clock = clock
        self._stored = store.table("clubos.campaigns", Campaign, key=lambda campaign: campaign.id)
        self.campaigns: list[Campaign] = self._stored.load()
        self._numbers = itertools.count(len(self.campaigns) + 1)

    def get(self, campaign_id: str) -> Campaign | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    def create(
        self,
        name: str,
        channel: Channel,
        body: str,
        recipients: Sequence[tuple[str | None, str | None]],
        *,
        subject: str | None = None,
        idempotency_key: str | None = None,
    ) -> Campaign:
        """`recipients` are (member_id, prospect_id) pairs with exactly one set. Raises Rejected."""
        check_content(channel, body, subject)
        if not recipients or len(recipients) > MAX_RECIPIENTS:
            raise Rejected("invalid_recipients", f"A campaign needs 1 to {MAX_RECIPIENTS} recipients")
        campaign_id = f"CMP{500_000 + next(self._numbers)}"
        seen: set[tuple[str | None, str | None]] = set()
        results = []
        for member_id, prospect_id in recipients:
            if (member_id, prospect_id) in seen:
                results.append(CampaignResult(member_id, prospect_id, "failed", error="duplicate_recipient"))
                continue
            seen.add((member_id, prospect_id))
            try:
                recipient = self._messenger.resolve(channel, member_id=member_id, prospect_id=prospect_id)
            except Rejected as exc:
                status: ResultStatus = "skipped_opted_out" if exc.code == "recipient_opted_out" else "failed"
                results.append(CampaignResult(member_id, prospect_id, status, error=exc.code))
                continue
            first = _first_name(recipient)
            message = self._messenger.dispatch(
                recipient,
                channel,
                body.replace(FIRST_NAME, first),
                subject.replace(FIRST_NAME, first) if subject else subject,
                campaign_id=campaign_id,
            )
            results.append(CampaignResult(member_id, prospect_id, "sent", message_id=message.id))
        campaign = Campaign(campaign_id, name, channel, subject, body, self._clock(), results, idempotency_key)
        self.campaigns.append(campaign)
        self._stored.put(campaign)
        return campaign


def _first_name(recipient: Recipient) -> str:
    if recipient.member is not None:
        return recipient.member.first_name
    if recipient.prospect is not None:
        return recipient.prospect.name.split()[0]
    return "there"
