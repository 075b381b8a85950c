"""Counts inbound webhooks by source, times their answers, and counts the ones refused (a 4xx: bad
signature, invalid body, unknown lead), around the routes rather than in them.
Duplicates are counted by the routes, which know."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import metrics

SOURCES = {
    "/webhooks/active/customer-update": "active",
    "/webhooks/clubos/messages": "clubos",
    "/webhooks/lead": "lead_intake",
    "/webhook/lead": "lead_intake",  # deprecated path
    "/webhooks/events": "engagement",
}


class WebhookMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        source = SOURCES.get(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        if source is None:
            await self.app(scope, receive, send)
            return
        metrics.WEBHOOKS_RECEIVED.inc(source=source)
        received = time.perf_counter()

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                metrics.WEBHOOK_SECONDS.observe(time.perf_counter() - received, source=source)
                if 400 <= message["status"] < 500:
                    metrics.WEBHOOKS_REJECTED.inc(source=source, status=message["status"])
            await send(message)

        await self.app(scope, receive, counting_send)


def duplicate(source: str) -> None:
    metrics.WEBHOOKS_DUPLICATED.inc(source=source)
