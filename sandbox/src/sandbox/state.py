"""Everything the running sandbox holds in memory, shared by all routers through `app.state`."""

from __future__ import annotations

import random
from datetime import UTC, datetime

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
from sandbox.models import SandboxData
from sandbox.ratelimit import RateLimiter
from sandbox.salesforce.auth import TokenStore
from sandbox.salesforce.cursors import QueryCursors
from sandbox.salesforce.store import TaskStore
from sandbox.seed_data import generate
from sandbox.settings import SandboxSettings
from sandbox.smtp_sink import MailSink
from sandbox.stats import ADMIN, UI, RequestStats


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
        self.services: dict[str, ServiceSpec] = {}
        self.faults = FaultInjector(random.Random(settings.sandbox_seed))
        self.rate_limiter = RateLimiter(settings.sandbox_rate_limit_per_s)
        self.stats = RequestStats()
        self.rng = random.Random(settings.sandbox_seed)  # picks accounts for random emits
        self.tokens = TokenStore(org_id=make_id("00D", settings.sandbox_seed))
        self.webhooks = WebhookDispatcher(
            settings.active_webhook_url,
            settings.active_webhook_secret.get_secret_value(),
            timeout_s=settings.http_timeout_s,
            transport=webhook_transport,
        )
        self.emit_timer = EmitTimer(self._emit_timed_update, settings.active_emit_interval_s)
        self.clubos = ClubOS(settings, webhook_transport=webhook_transport)
        self.mail = MailSink(settings.sandbox_host, settings.sandbox_port + 25 if smtp_port is None else smtp_port)
        self.mail_tracking = MailTracking(settings, transport=webhook_transport)
        self.lead_form = LeadForm(settings, transport=webhook_transport)
        self.load(settings.sandbox_seed)

    def load(self, seed: int) -> None:
        """(Re)generate the world; tokens, faults and webhook settings survive, as in a data refresh."""
        self.data: SandboxData = generate(seed, accounts=self.settings.sandbox_accounts)
        self.tasks = TaskStore(self.data, id_sequence("00T", seed), utc_now)
        self.cursors = QueryCursors(id_sequence("01g", seed))

    def reset(self, seed: int | None = None) -> None:
        self.load(self.settings.sandbox_seed if seed is None else seed)
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

    async def shutdown(self) -> None:
        await self.emit_timer.stop()
        await self.webhooks.aclose()
        await self.clubos.stop()
        await self.mail.stop()
        await self.mail_tracking.aclose()
        await self.lead_form.aclose()

    async def _emit_timed_update(self) -> None:
        await emit_random(self.data, self.webhooks, self.rng, 1, "customer.updated")


def get_state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state
