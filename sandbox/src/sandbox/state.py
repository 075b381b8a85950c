"""Everything the running sandbox holds, shared by all routers through `app.state`: in memory, and
in its state file when it has a data directory (see persist.py), so it survives a restart."""

from __future__ import annotations

import logging
import random
from datetime import UTC, date, datetime

import httpx
from fastapi import Request

from sandbox.active.emit import emit_random
from sandbox.active.timer import EmitTimer
from sandbox.active.webhooks import WebhookDispatcher
from sandbox.clubos.service import ClubOS
from sandbox.errors import ServiceSpec, service_for_path
from sandbox.faults import FaultInjector
from sandbox.ids import id_sequence, make_id
from sandbox.lead_form import LeadForm
from sandbox.mail_tracking import MailTracking
from sandbox.models import Account, Opportunity, SandboxData
from sandbox.persist import FORMAT, StateStore, overlay
from sandbox.ratelimit import RateLimiter
from sandbox.salesforce.auth import TokenStore
from sandbox.salesforce.cursors import QueryCursors
from sandbox.salesforce.store import TaskStore
from sandbox.seed_data import generate
from sandbox.settings import SandboxSettings
from sandbox.smtp_sink import SMTP_SERVICE, MailSink
from sandbox.stats import ADMIN, UI, RequestStats

logger = logging.getLogger("sandbox.state")


def utc_now() -> datetime:
    return datetime.now(UTC)


class SandboxState:
    def __init__(
        self,
        settings: SandboxSettings,
        *,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        smtp_port: int | None = None,
    ) -> None:
        self.settings = settings
        self.store = store = _open_store(settings)
        self.services: dict[str, ServiceSpec] = {}
        self.faults = FaultInjector(random.Random(settings.sandbox_seed), store)
        self.rate_limiter = RateLimiter(settings.sandbox_rate_limit_per_s)
        self.stats = RequestStats()
        self.rng = random.Random(settings.sandbox_seed)  # picks accounts for random emits
        self.tokens = TokenStore(org_id=make_id("00D", settings.sandbox_seed), store=store)
        self.webhooks = WebhookDispatcher(
            settings.active_webhook_url,
            settings.active_webhook_secret.get_secret_value(),
            timeout_s=settings.http_timeout_s,
            transport=webhook_transport,
            store=store,
            name="active",
        )
        self.emit_timer = EmitTimer(self._emit_timed_update, settings.active_emit_interval_s, store=store)
        self.clubos = ClubOS(settings, store=store, webhook_transport=webhook_transport)
        self.faults.register(SMTP_SERVICE)
        self.mail = MailSink(
            settings.sandbox_host,
            settings.sandbox_port + 25 if smtp_port is None else smtp_port,
            store=store,
            faults=self.faults,
        )
        self.mail_tracking = MailTracking(settings, store=store, transport=webhook_transport)
        self.lead_form = LeadForm(settings, store=store, transport=webhook_transport)
        self._accounts = store.table("salesforce.accounts", Account, key=lambda account: account.id)
        self._opportunities = store.table("salesforce.opportunities", Opportunity, key=lambda opp: opp.id)
        world = store.get("salesforce.world")
        if world is None:
            self.load(settings.sandbox_seed, utc_now().date())
        else:  # the same world as before the restart: same seed, same day, so the same dates
            self.load(world["seed"], date.fromisoformat(world["today"]))

    def load(self, seed: int, today: date) -> None:
        """(Re)generate the world, then lay the stored changes over it; tokens, faults and webhook
        settings survive a reload, as in a data refresh."""
        self.store.set("salesforce.world", {"seed": seed, "today": today.isoformat()})
        self.data: SandboxData = generate(seed, today, accounts=self.settings.sandbox_accounts)
        overlay(self.data.accounts, self._accounts.load())
        overlay(self.data.opportunities, self._opportunities.load())
        self.data.on_change = self._save_account
        self.tasks = TaskStore(self.data, id_sequence("00T", seed), utc_now, self.store)
        self.cursors = QueryCursors(id_sequence("01g", seed))

    def _save_account(self, account: Account) -> None:
        with self.store.transaction():
            self._accounts.put(account)
            renewal = self.data.open_renewal(account.id)
            if renewal is not None:
                self._opportunities.put(renewal)

    def reset(self, seed: int | None = None) -> None:
        self.store.clear(self._accounts.kind, self._opportunities.kind, "salesforce.tasks", "salesforce.task_writes")
        self.load(self.settings.sandbox_seed if seed is None else seed, utc_now().date())
        self.stats.reset()
        self.webhooks.clear()
        self.clubos.reset(seed)
        self.mail.clear()
        self.mail_tracking.clear()
        self.lead_form.clear()

    def register_service(self, spec: ServiceSpec) -> None:
        self.services[spec.name] = spec
        self.faults.register(spec.name)

    def service_name_for_path(self, path: str) -> str:
        spec = service_for_path(self.services.values(), path)
        if spec is not None:
            return spec.name
        return ADMIN if path.startswith("/_sandbox") else UI

    async def startup(self) -> None:
        self.emit_timer.start()
        await self.clubos.start()
        await self.mail.start()
        dispatchers = (
            self.webhooks,
            self.clubos.push.dispatcher,
            self.mail_tracking.dispatcher,
            self.lead_form.dispatcher,
        )
        resumed = sum(dispatcher.resume() for dispatcher in dispatchers)
        if self.store.path is not None:
            logger.info(
                "state kept in %s%s", self.store.path, f"; resuming {resumed} webhook deliveries" if resumed else ""
            )

    async def shutdown(self) -> None:
        await self.emit_timer.stop()
        await self.webhooks.aclose()
        await self.clubos.stop()
        await self.mail.stop()
        await self.mail_tracking.aclose()
        await self.lead_form.aclose()
        self.store.close()

    async def _emit_timed_update(self) -> None:
        await emit_random(self.data, self.webhooks, self.rng, 1, "customer.updated")


def _open_store(settings: SandboxSettings) -> StateStore:
    """The state file, emptied first if it was written by another format or for another seeded world."""
    store = StateStore(settings.state_file)
    config = {
        "format": FORMAT,
        "seed": settings.sandbox_seed,
        "accounts": settings.sandbox_accounts,
        "club_id": settings.clubos_club_id,
    }
    stored = store.get("config")
    if stored is not None and stored != config:
        logger.warning("%s was written for %s, not %s: starting over", store.path, stored, config)
        store.clear_all()
    store.set("config", config)
    return store


def get_state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state
