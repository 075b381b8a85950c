"""ClubOS as a whole: the seeded club and everything that changes it, shared by its routers and the UI."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from sandbox.active.timer import EmitTimer
from sandbox.active.webhooks import WebhookDispatcher
from sandbox.clubos.campaigns import Campaigns
from sandbox.clubos.door import DoorAccess
from sandbox.clubos.idempotency import IdempotencyStore
from sandbox.clubos.inbox import Inbox, InboxChannel, InboxMessage
from sandbox.clubos.messaging import Messenger
from sandbox.clubos.models import ClubWorld, Member
from sandbox.clubos.payments import Payments
from sandbox.clubos.push import Push
from sandbox.clubos.seed import generate, seed_inbox
from sandbox.clubos.simulator import random_inbound
from sandbox.settings import SandboxSettings

# Carrier keywords (CTIA): replying one of these by SMS opts the number out of (or back into) texts.
OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP"})


def utc_now() -> datetime:
    return datetime.now(UTC)


class ClubOS:
    def __init__(
        self,
        settings: SandboxSettings,
        *,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.clock = clock  # replaceable, e.g. by tests that move time forward
        dispatcher = WebhookDispatcher(
            settings.clubos_webhook_url,
            settings.clubos_webhook_secret.get_secret_value(),
            timeout_s=settings.http_timeout_s,
            transport=webhook_transport,
            header_prefix="X-ClubOS",
            user_agent="ClubOS-Webhooks/1.0",
        )
        self.push = Push(dispatcher, settings.sandbox_seed)
        self.timer = EmitTimer(self.simulate, settings.clubos_inbound_interval_s, name="ClubOS inbound message")
        self.load(settings.sandbox_seed)

    def now(self) -> datetime:
        return self.clock()

    def load(self, seed: int, keep_inbox: bool = False) -> None:
        """(Re)generate the club; push settings and the timer survive, as in a data refresh.

        `keep_inbox`: the message log carries on (its cursors never rewind, as in the real
        system), so a client syncing incrementally neither misses nor repeats a message."""
        self.seed = seed
        self.world: ClubWorld = generate(seed, self.now().date(), self.settings.clubos_club_id)
        if not keep_inbox:
            self.inbox = Inbox(self.now)
            seed_inbox(self.world, self.inbox, seed)
        self.messenger = Messenger(self.world, self.inbox, self.now)
        self.campaigns = Campaigns(self.messenger, self.now)
        self.door = DoorAccess(self.now)
        self.payments = Payments(self.world, self.settings.clubos_base_url, self.now)
        self.idempotency = IdempotencyStore()
        self._rng = random.Random(f"clubos-inbound:{seed}")

    def reset(self, seed: int | None = None) -> None:
        new_seed = self.settings.sandbox_seed if seed is None else seed
        self.load(new_seed, keep_inbox=new_seed == self.seed)
        self.push.clear()

    async def start(self) -> None:
        self.timer.start()

    async def stop(self) -> None:
        await self.timer.stop()
        await self.push.dispatcher.aclose()

    async def receive(
        self,
        member: Member,
        body: str,
        channel: InboxChannel = "sms",
        subject: str | None = None,
        *,
        wait: bool = False,
    ) -> tuple[InboxMessage, dict[str, Any]]:
        """A member writes in: the message joins the inbox, keywords apply, push announces it."""
        message = self.inbox.post(member, "inbound", channel, body, subject=subject)
        keyword = body.strip().upper()
        if channel == "sms" and keyword in OPT_OUT_KEYWORDS:
            member.opt_out_sms = True
        elif channel == "sms" and keyword in OPT_IN_KEYWORDS:
            member.opt_out_sms = False
        push = await self.push.publish(message, self.now(), wait_first=wait)
        return message, push

    async def simulate(self) -> InboxMessage:
        """One realistic message from a random member (the inbound timer's tick)."""
        member, channel, body, subject = random_inbound(self.world, self._rng)
        message, _ = await self.receive(member, body, channel, subject)
        return message

    def counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """Per Idempotency-Key: requests received and the effects recorded, to prove exactly-once."""
        effects = {
            "messages": Counter(m.idempotency_key for m in self.messenger.sent),
            "campaigns": Counter(c.idempotency_key for c in self.campaigns.campaigns),
            "door_access": Counter(e.idempotency_key for e in self.door.log),
            "payment_links": Counter(link.idempotency_key for link in self.payments.links.values()),
        }
        counts: dict[str, dict[str, dict[str, int]]] = {}
        for scope, made in effects.items():
            requests = self.idempotency.requests(scope)
            keys = sorted(set(requests) | {key for key in made if key is not None})
            counts[scope] = {key: {"requests": requests.get(key, 0), "effects": made[key]} for key in keys}
        return counts
