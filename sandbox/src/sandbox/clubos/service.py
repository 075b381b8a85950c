"""ClubOS as a whole: the seeded club and everything that changes it, shared by its routers and the UI.

With a state file, the club is generated again from the seed and day it was first generated on, and
what changed since (members, prospects, messages, the door log, payment links, keys) is laid over it."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx

from sandbox.active.timer import EmitTimer
from sandbox.active.webhooks import WebhookDispatcher
from sandbox.clubos.campaigns import Campaigns
from sandbox.clubos.door import DoorAccess
from sandbox.clubos.idempotency import IdempotencyStore, Scope
from sandbox.clubos.inbox import Inbox, InboxChannel, InboxMessage
from sandbox.clubos.messaging import Messenger
from sandbox.clubos.models import ClubWorld, Member, Prospect
from sandbox.clubos.payments import Payments
from sandbox.clubos.push import Push
from sandbox.clubos.seed import generate, seed_inbox
from sandbox.clubos.simulator import random_inbound
from sandbox.persist import MEMORY, StateStore, overlay
from sandbox.settings import SandboxSettings

# Carrier keywords (CTIA): replying one of these by SMS opts the number out of (or back into) texts.
OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP"})
# What a reset forgets (push settings and the timer survive it; the inbox survives a reset to the same seed).
_CLUB_RECORDS = (
    "clubos.members",
    "clubos.prospects",
    "clubos.sent",
    "clubos.opt_out_confirmations",
    "clubos.campaigns",
    "clubos.door_log",
    "clubos.payment_links",
    "clubos.idempotency",
)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ClubOS:
    def __init__(
        self,
        settings: SandboxSettings,
        *,
        store: StateStore = MEMORY,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.clock = clock  # replaceable, e.g. by tests that move time forward
        self._store = store
        dispatcher = WebhookDispatcher(
            settings.clubos_webhook_url,
            settings.clubos_webhook_secret.get_secret_value(),
            timeout_s=settings.http_timeout_s,
            transport=webhook_transport,
            header_prefix="X-ClubOS",
            user_agent="ClubOS-Webhooks/1.0",
            store=store,
            name="clubos.push",
        )
        self.push = Push(dispatcher, settings.sandbox_seed, store)
        self.timer = EmitTimer(
            self.simulate,
            settings.clubos_inbound_interval_s,
            name="ClubOS inbound message",
            store=store,
            key="clubos.timer",
        )
        self._members = store.table("clubos.members", Member, key=lambda member: member.id)
        world = store.get("clubos.world")
        if world is None:
            self.load(settings.sandbox_seed, self.now().date())
        else:  # the club as it was before the restart: same seed, same day, so the same people and dates
            self.load(world["seed"], date.fromisoformat(world["today"]))

    def now(self) -> datetime:
        return self.clock()

    def load(self, seed: int, today: date, keep_inbox: bool = False) -> None:
        """(Re)generate the club and lay the stored changes over it; push settings and the timer
        survive, as in a data refresh.

        `keep_inbox`: the message log carries on (its cursors never rewind, as in the real
        system), so a client syncing incrementally neither misses nor repeats a message."""
        self.seed = seed
        self._store.set("clubos.world", {"seed": seed, "today": today.isoformat()})
        self.world: ClubWorld = generate(seed, today, self.settings.clubos_club_id)
        overlay(self.world.members, self._members.load())
        overlay(self.world.prospects, self._store.table("clubos.prospects", Prospect).load())
        if not keep_inbox:
            self.inbox = Inbox(self.now, self._store)
            if not self.inbox.messages:
                seed_inbox(self.world, self.inbox, seed)
        self.messenger = Messenger(self.world, self.inbox, self.now, self._store)
        self.campaigns = Campaigns(self.messenger, self.now, self._store)
        self.door = DoorAccess(self.now, self._store)
        self.payments = Payments(self.world, self.settings.clubos_base_url, self.now, self._store)
        scopes = {
            "messages": Scope(lambda message: message.id, self.messenger.get),
            "campaigns": Scope(lambda campaign: campaign.id, self.campaigns.get),
            "door_access": Scope(lambda entry: entry.id, self.door.get),
            "payment_links": Scope(lambda link: link.token, self.payments.links.get),
        }
        self.idempotency = IdempotencyStore(scopes, self._store)
        self._rng = random.Random(f"clubos-inbound:{seed}")

    def reset(self, seed: int | None = None) -> None:
        new_seed = self.settings.sandbox_seed if seed is None else seed
        keep_inbox = new_seed == self.seed
        self._store.clear(*_CLUB_RECORDS, *(() if keep_inbox else ("clubos.inbox",)))
        self.load(new_seed, self.now().date(), keep_inbox=keep_inbox)
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
        with self._store.transaction():
            message = self.inbox.post(member, "inbound", channel, body, subject=subject)
            keyword = body.strip().upper()
            if channel == "sms" and keyword in (OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS):
                member.opt_out_sms = keyword in OPT_OUT_KEYWORDS
                self._members.put(member)
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
