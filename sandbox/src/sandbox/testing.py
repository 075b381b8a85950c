"""Helpers for mounting the sandbox in-process in tests (no network, no lifespan needed)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import deque
from typing import Any

import httpx

from sandbox.guards import ADMIN_HEADER
from sandbox.settings import SandboxSettings

ADMIN_TOKEN = "sandbox-admin"  # noqa: S105 - a fixed value for tests, not a secret
ADMIN = {ADMIN_HEADER: ADMIN_TOKEN}


def make_settings(**overrides: Any) -> SandboxSettings:
    """Settings pinned to known values, so a developer's environment or .env cannot change test results."""
    values: dict[str, Any] = {
        "data_dir": None,  # in memory: nothing kept
        "sandbox_seed": 42,
        "sandbox_admin_token": ADMIN_TOKEN,
        "sandbox_rate_limit_per_s": 10_000.0,
        "active_emit_interval_s": 0.0,
        "active_webhook_url": "http://renubu.test/webhooks/active/customer-update",
        "active_webhook_secret": "test-webhook-secret",
        "active_api_key": "test-active-key",
        "salesforce_client_id": "test-client",
        "salesforce_client_secret": "test-secret",
        "salesforce_api_version": "v60.0",
    }
    return SandboxSettings(_env_file=None, **{**values, **overrides})


def sandbox_client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")


async def salesforce_headers(client: httpx.AsyncClient, settings: SandboxSettings) -> dict[str, str]:
    response = await client.post(
        "/salesforce/services/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": settings.salesforce_client_id,
            "client_secret": settings.salesforce_client_secret.get_secret_value(),
        },
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def active_headers(settings: SandboxSettings) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.active_api_key.get_secret_value()}"}


class WebhookRecorder:
    """A fake webhook receiver for httpx.MockTransport: records requests, answers from a script.

    Each scripted reply is a status code, an (status, headers) pair, or an exception to raise;
    once the script runs out it answers 200.
    """

    def __init__(self, *replies: int | tuple[int, dict[str, str]] | Exception) -> None:
        self.replies: deque[int | tuple[int, dict[str, str]] | Exception] = deque(replies)
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.popleft() if self.replies else 200
        if isinstance(reply, Exception):
            raise reply
        status, headers = reply if isinstance(reply, tuple) else (reply, {})
        return httpx.Response(status, headers=headers, json={"received": status < 300})


def check_signature(request: httpx.Request, secret: str, prefix: str) -> None:
    """A receiver's check of a signed webhook (`<prefix>-Timestamp`, `<prefix>-Signature: v1=<hex HMAC-SHA256
    of "<timestamp>.<body>">`), written from the documented scheme rather than from the sandbox's code."""
    timestamp = request.headers[f"{prefix}-Timestamp"]
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.content, hashlib.sha256)
    assert request.headers[f"{prefix}-Signature"] == f"v1={mac.hexdigest()}"
    assert abs(int(timestamp) - time.time()) < 300
