"""Request counters per service, endpoint (route template) and status, fed by an ASGI middleware."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ADMIN = "admin"
UI = "ui"


class RequestStats:
    def __init__(self) -> None:
        self._counts: defaultdict[str, defaultdict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))

    def record(self, service: str, endpoint: str, status_code: int) -> None:
        self._counts[service][endpoint][str(status_code)] += 1

    def count(self, service: str, endpoint: str | None = None, status_code: int | None = None) -> int:
        endpoints = self._counts.get(service, {})
        selected = [endpoints.get(endpoint, Counter())] if endpoint else list(endpoints.values())
        if status_code is None:
            return sum(sum(counter.values()) for counter in selected)
        return sum(counter[str(status_code)] for counter in selected)

    def snapshot(self) -> dict[str, dict[str, dict[str, int]]]:
        return {
            service: {endpoint: dict(counter) for endpoint, counter in sorted(endpoints.items())}
            for service, endpoints in sorted(self._counts.items())
        }

    def reset(self) -> None:
        self._counts.clear()


class StatsMiddleware:
    """Counts every HTTP request once it has been answered, under its route template."""

    def __init__(self, app: ASGIApp, stats: RequestStats, service_of: Callable[[str], str]) -> None:
        self.app = app
        self.stats = stats
        self.service_of = service_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # if the app raises before answering, the server turns that into a 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            self.stats.record(self.service_of(scope["path"]), f"{scope['method']} {template}", status)
