"""Payment links: a URL a member can open to pay their past-due balance (a demo stand-in for a card page).

Paying a link settles the member's balance (see Member.settle), so a demo can show a reminder
that worked: the next past-due query no longer lists them. Links and the balances they settle are
kept in the state file.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sandbox.clubos.models import ClubWorld, Member, dollars, iso
from sandbox.clubos.spec import Rejected
from sandbox.persist import MEMORY, StateStore

LINK_TTL = timedelta(days=7)
LinkStatus = Literal["open", "paid", "expired"]


@dataclass
class PaymentLink:
    id: str
    token: str
    member_id: str
    amount_cents: int
    url: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None = None
    paid_cents: int = 0
    idempotency_key: str | None = None

    def status(self, now: datetime) -> LinkStatus:
        if self.paid_at is not None:
            return "paid"
        return "expired" if now >= self.expires_at else "open"

    def as_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "id": self.id,
            "member_id": self.member_id,
            "url": self.url,
            "amount": dollars(self.amount_cents),
            "status": self.status(now),
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "paid_at": iso(self.paid_at) if self.paid_at else None,
        }


class LinkClosedError(Exception):
    """The link can no longer be paid; the message says why, for the payment page."""


class Payments:
    def __init__(
        self, world: ClubWorld, base_url: str, clock: Callable[[], datetime], store: StateStore = MEMORY
    ) -> None:
        self._world = world
        self._base_url = base_url.rstrip("/")
        self._clock = clock
        self._store = store
        self._stored = store.table("clubos.payment_links", PaymentLink, key=lambda link: link.token)
        self._members = store.table("clubos.members", Member, key=lambda member: member.id)
        self.links: dict[str, PaymentLink] = {link.token: link for link in self._stored.load()}  # by token
        self._numbers = itertools.count(len(self.links) + 1)

    def create(
        self, member: Member, amount_cents: int | None = None, idempotency_key: str | None = None
    ) -> PaymentLink:
        """A link for `amount_cents` (default: the whole balance). Raises Rejected."""
        if member.past_due_cents == 0:
            raise Rejected("nothing_due", f"Member {member.id} has no past-due balance")
        amount = member.past_due_cents if amount_cents is None else amount_cents
        if amount > member.past_due_cents:
            raise Rejected(
                "amount_exceeds_balance",
                f"{dollars(amount):.2f} is more than the balance of {dollars(member.past_due_cents):.2f}",
            )
        now = self._clock()
        token = secrets.token_urlsafe(18)
        link = PaymentLink(
            id=f"PL{700_000 + next(self._numbers)}",
            token=token,
            member_id=member.id,
            amount_cents=amount,
            url=f"{self._base_url}/pay/{token}",
            created_at=now,
            expires_at=now + LINK_TTL,
            idempotency_key=idempotency_key,
        )
        self.links[token] = link
        self._stored.put(link)
        return link

    def pay(self, link: PaymentLink) -> int:
        """Charge the link; returns the cents charged. Raises LinkClosedError."""
        now = self._clock()
        status = link.status(now)
        if status != "open":
            raise LinkClosedError(f"This payment link has {'been paid' if status == 'paid' else 'expired'}.")
        member = self._world.member(link.member_id)
        if member is None or member.past_due_cents == 0:
            raise LinkClosedError("There is nothing left to pay on this account.")
        # The balance may have shrunk since the link was made (another payment); never overcharge.
        charged = min(link.amount_cents, member.past_due_cents)
        member.settle(charged)
        link.paid_at, link.paid_cents = now, charged
        with self._store.transaction():
            self._stored.put(link)
            self._members.put(member)
        return charged
