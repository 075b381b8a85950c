"""Signed webhook delivery like a real provider: async, retried with backoff, every attempt logged.

Events, attempts and run-time changes (URL, backoff) are kept in the state file, and deliveries a
restart interrupted carry on when the sandbox starts again, as a provider's queue would."""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import httpx

from sandbox.active.webhook_records import DeliveryAttempt, Outcome, WebhookEvent, parse_retry_after, sign
from sandbox.persist import MEMORY, StateStore
from sandbox.settings import SandboxSettings

logger = logging.getLogger("sandbox.active.webhooks")

RETRY_DELAYS_S = (1, 2, 4, 8, 16)
MAX_ATTEMPTS = len(RETRY_DELAYS_S) + 1
_KEPT_EVENTS = 1000
_KEPT_ATTEMPTS = 5000


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every delivery: building one loads the CA bundle (tens of ms of CPU), and a
    burst of a thousand deliveries, each with its own client, blocked the event loop for over a minute."""
    return httpx.create_ssl_context()


# Deliveries in flight to one endpoint, as providers limit them; the rest wait for a slot, untimed (a message's
# freshness still counts the wait). With no limit, a burst of a thousand open requests made httpcore's pool scan
# every connection for every request: that scan took a third of the sandbox's loop and most of the time it
# recorded as the receiver's (1,000 pushes at 138/s: acknowledgement p99 3.0 s with no limit, 0.97 s with 32,
# 0.11 s with 8; the API's own clock said under 0.1 s with 8).
CONCURRENCY = 8


class WebhookDispatcher:
    """`backoff_scale` multiplies every wait (backoff and Retry-After) so tests can run retries fast.

    One instance per sending system: `header_prefix` and `user_agent` make the requests look like
    that provider's (X-Active-Signature, X-ClubOS-Signature, ...); the signing scheme is shared.
    `on_response(event_id, response)` sees every answer before its attempt is logged, for senders
    that keep what the receiver replied (the lead form keeps Renubu's lead id). `name` keeps its
    records apart from other dispatchers' in `store`.
    """

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout_s: float,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff_scale: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        header_prefix: str = "X-Active",
        user_agent: str = "Active-Webhooks/1.0",
        on_response: Callable[[str, httpx.Response], None] | None = None,
        store: StateStore = MEMORY,
        name: str = "webhooks",
    ) -> None:
        self._store = store
        self._slots = asyncio.Semaphore(CONCURRENCY)  # deliveries in flight; one waiting for a slot is not timed
        self._config_key, self._configured = f"{name}.config", {"url": url, "backoff_scale": backoff_scale}
        config = store.setting(self._config_key, self._configured)
        self._url: str = config["url"]
        self._backoff_scale: float = config["backoff_scale"]
        self._secret = secret
        self._timeout_s = timeout_s
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._sleep = sleep
        self._header_prefix = header_prefix
        self._user_agent = user_agent
        self._on_response = on_response
        self._events = store.table(f"{name}.events", WebhookEvent, key=lambda event: event.event_id)
        self._attempts = store.table(f"{name}.attempts", DeliveryAttempt)
        self.events: OrderedDict[str, WebhookEvent] = OrderedDict(
            (event.event_id, event) for event in self._events.load(keep=_KEPT_EVENTS)
        )
        self.attempts: deque[DeliveryAttempt] = deque(self._attempts.load(keep=_KEPT_ATTEMPTS), maxlen=_KEPT_ATTEMPTS)
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return self._url

    @url.setter
    def url(self, url: str) -> None:
        self._url = url
        self._save_config()

    @property
    def backoff_scale(self) -> float:
        return self._backoff_scale

    @backoff_scale.setter
    def backoff_scale(self, scale: float) -> None:
        self._backoff_scale = scale
        self._save_config()

    def _save_config(self) -> None:
        self._store.set_setting(
            self._config_key, self._configured, {"url": self._url, "backoff_scale": self._backoff_scale}
        )

    async def deliver(self, event: WebhookEvent, *, wait_first: bool = False) -> list[DeliveryAttempt]:
        """Start delivering in the background; with `wait_first`, return once the first attempt is done."""
        self.events[event.event_id] = event
        self.events.move_to_end(event.event_id)
        while len(self.events) > _KEPT_EVENTS:
            self.events.popitem(last=False)
        self._events.put(event)
        first: asyncio.Future[DeliveryAttempt] = asyncio.get_running_loop().create_future()
        self._start(event, first, 1)
        return [await asyncio.shield(first)] if wait_first else []

    def resume(self) -> int:
        """Carry on with the deliveries a shutdown or crash interrupted (the last attempt said "retrying",
        or there was none yet); returns how many. Receivers de-duplicate by event id, as they must anyway."""
        latest = {attempt.event_id: attempt for attempt in self.attempts}
        pending = [
            (event, latest[event.event_id].attempt + 1 if event.event_id in latest else 1)
            for event in self.events.values()
            if event.event_id not in latest or latest[event.event_id].outcome == "retrying"
        ]
        for event, number in pending:
            self._start(event, None, number)
        return len(pending)

    def _start(self, event: WebhookEvent, first: asyncio.Future[DeliveryAttempt] | None, number: int) -> None:
        task = asyncio.create_task(self._run(event, first, number), name=f"webhook {event.event_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def redeliver(self, event_id: str, *, wait_first: bool = False) -> list[DeliveryAttempt]:
        """Send a stored event again: same id and body, fresh timestamp and signature. KeyError if unknown."""
        return await self.deliver(self.events[event_id], wait_first=wait_first)

    def recent_attempts(self, limit: int) -> list[DeliveryAttempt]:
        return list(self.attempts)[-limit:][::-1]

    def summary(self) -> dict[str, Any]:
        latest: dict[str, Outcome] = {}
        for attempt in self.attempts:
            latest[attempt.event_id] = attempt.outcome
        outcomes = Counter(latest.values())
        return {
            "events": len(self.events),
            "attempts": len(self.attempts),
            "delivered": outcomes["delivered"],
            "retrying": outcomes["retrying"],
            "failed": outcomes["failed"],
            "in_flight": len(self._tasks),
            "by_status": dict(Counter(str(a.status_code or "error") for a in self.attempts)),
        }

    def clear(self) -> None:
        self.events.clear()
        self.attempts.clear()
        self._events.clear()
        self._attempts.clear()

    async def wait_idle(self) -> None:
        """Wait until every delivery in flight has finished (delivered or given up)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        """One client, kept-alive connections, for every delivery, as a provider's sender has: a client per
        delivery cost each one a new connection and the client's own set-up (proxies read from the
        environment), so in a burst the sandbox's loop, not the receiver, made most of the time it records.
        At most CONCURRENCY deliveries in flight. Idle connections are dropped after 2 s,
        before a server's usual 5 s keep-alive, so a delivery never races a closing one."""
        if self._client is None:
            limits = httpx.Limits(
                max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY, keepalive_expiry=2.0
            )
            self._client = httpx.AsyncClient(
                transport=self._transport, timeout=self._timeout_s, verify=_tls(), limits=limits
            )
        return self._client

    async def _run(self, event: WebhookEvent, first: asyncio.Future[DeliveryAttempt] | None, start: int) -> None:
        try:
            client = self._http()
            for number in range(start, MAX_ATTEMPTS + 1):
                async with self._slots:
                    attempt = await self._attempt(client, event, number)
                if first is not None and not first.done():
                    first.set_result(attempt)
                if attempt.retry_in_s is None:
                    return
                await self._sleep(attempt.retry_in_s)
        finally:
            if first is not None and not first.done():
                first.set_exception(RuntimeError(f"delivery of {event.event_id} was aborted"))

    async def _attempt(self, client: httpx.AsyncClient, event: WebhookEvent, number: int) -> DeliveryAttempt:
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self._user_agent,
            f"{self._header_prefix}-Event-Id": event.event_id,
            f"{self._header_prefix}-Timestamp": str(timestamp),
            f"{self._header_prefix}-Signature": sign(self._secret, timestamp, event.body),
        }
        url = self.url
        started = time.perf_counter()
        status_code: int | None = None
        retry_after: float | None = None
        try:
            response = await client.post(url, content=event.body, headers=headers)
        except httpx.HTTPError as exc:
            error: str | None = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            retryable = True
        else:
            status_code = response.status_code
            if self._on_response is not None:
                self._on_response(event.event_id, response)
            error = None if response.is_success else f"HTTP {status_code}: {response.text[:200]}"
            retryable = status_code >= 500 or status_code == 429
            retry_after = parse_retry_after(response.headers.get("Retry-After"), datetime.now(UTC))
        latency_ms = round((time.perf_counter() - started) * 1000, 1)

        retry_in_s: float | None = None
        if error is None:
            outcome: Outcome = "delivered"
        elif retryable and number < MAX_ATTEMPTS:
            outcome = "retrying"
            retry_in_s = max(RETRY_DELAYS_S[number - 1], retry_after or 0) * self.backoff_scale
        else:
            outcome = "failed"
        attempt = DeliveryAttempt(
            event.event_id,
            number,
            url,
            status_code,
            latency_ms,
            error,
            outcome,
            retry_in_s,
            datetime.now(UTC),
        )
        self.attempts.append(attempt)
        self._attempts.put(attempt)
        logger.info(
            "webhook %s attempt %d -> %s in %.0f ms (%s)%s",
            event.event_id,
            number,
            status_code or "no response",
            latency_ms,
            outcome,
            f": {error}" if error else "",
        )
        return attempt


def to_renubu(
    settings: SandboxSettings,
    url: str,
    *,
    user_agent: str,
    transport: httpx.AsyncBaseTransport | None = None,
    on_response: Callable[[str, httpx.Response], None] | None = None,
    store: StateStore = MEMORY,
    name: str,
) -> WebhookDispatcher:
    """A sender posting to Renubu's own intake endpoints (leads, engagement events), signed with the intake secret."""
    return WebhookDispatcher(
        url,
        settings.intake_webhook_secret.get_secret_value(),
        timeout_s=settings.http_timeout_s,
        transport=transport,
        header_prefix="X-Renubu",
        user_agent=user_agent,
        on_response=on_response,
        store=store,
        name=name,
    )
