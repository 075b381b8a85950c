"""Request guards: the fault/rate-limit gate every simulated service shares, and the admin check."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request

from sandbox.state import get_state

ADMIN_HEADER = "X-Sandbox-Admin"
_FAULT_MESSAGES = {
    400: "The request was refused as invalid",
    429: "Too many requests; retry later",
    500: "An unexpected error occurred",
    503: "Service temporarily unavailable",
}


def service_guard(service: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency for a service's router: injected latency, then the rate limit, then injected faults.

    Reusable by every simulated system: pass the name it was registered under.
    """

    async def guard(request: Request) -> None:
        state = get_state(request)
        spec = state.services[service]
        delay = state.faults.latency_s(service)
        if delay > 0:
            await asyncio.sleep(delay)
        retry_after = state.rate_limiter.acquire(service, _credential(request))
        if retry_after is not None:
            raise spec.error(429, _FAULT_MESSAGES[429], {"Retry-After": str(retry_after)})
        fault = state.faults.draw(service)
        if fault is not None:
            headers = {"X-Sandbox-Fault": "injected"}
            if fault.retry_after_s is not None:
                headers["Retry-After"] = str(fault.retry_after_s)
            raise spec.error(fault.status_code, _FAULT_MESSAGES[fault.status_code], headers)

    return guard


def _credential(request: Request) -> str:
    """Rate limits apply per API credential (a bearer token, or ClubOS's X-Api-Key); anonymous calls
    (e.g. the token grant) per client address."""
    credential = request.headers.get("authorization") or request.headers.get("x-api-key")
    if credential:
        return "auth:" + hashlib.sha256(credential.encode()).hexdigest()[:24]
    return "addr:" + (request.client.host if request.client else "unknown")


async def require_admin(request: Request) -> None:
    expected = get_state(request).settings.sandbox_admin_token.get_secret_value()
    supplied = request.headers.get(ADMIN_HEADER, "")
    if not secrets.compare_digest(supplied.encode(), expected.encode()):
        raise HTTPException(401, f"missing or wrong {ADMIN_HEADER} header")
