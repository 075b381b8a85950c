"""Active's outgoing webhooks: exact body, HMAC signature, retries, redelivery, emit side effects, timer."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from sandbox.active.webhook_records import WebhookEvent
from sandbox.active.webhooks import MAX_ATTEMPTS, WebhookDispatcher
from sandbox.app import create_app
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState
from sandbox.testing import ADMIN, WebhookRecorder, make_settings, salesforce_headers, sandbox_client

SECRET = b"test-webhook-secret"


@pytest.fixture
def settings() -> SandboxSettings:
    return make_settings()


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> WebhookRecorder:
    """Answers 200, or follows the script given by indirect parametrisation."""
    return WebhookRecorder(*getattr(request, "param", ()))


@pytest.fixture
def app(settings: SandboxSettings, receiver: WebhookRecorder) -> FastAPI:
    app = create_app(settings, webhook_transport=receiver.transport)
    app.state.sandbox.webhooks.backoff_scale = 0  # retry immediately
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


def state_of(app: FastAPI) -> SandboxState:
    state: SandboxState = app.state.sandbox
    return state


def verify_signature(request: httpx.Request) -> None:
    timestamp = request.headers["X-Active-Timestamp"]
    expected = hmac.new(SECRET, timestamp.encode() + b"." + request.content, hashlib.sha256).hexdigest()
    assert request.headers["X-Active-Signature"] == f"v1={expected}"
    assert abs(int(timestamp) - time.time()) < 60


async def test_emit_sends_the_documented_body_signed(client: httpx.AsyncClient, receiver: WebhookRecorder) -> None:
    response = await client.post(
        "/_sandbox/active/emit", json={"customer_id": "acme-corp", "wait": True}, headers=ADMIN
    )
    assert response.status_code == 200
    result = response.json()
    assert [(d["attempt"], d["status_code"], d["outcome"]) for d in result["deliveries"]] == [(1, 200, "delivered")]

    [request] = receiver.requests
    assert str(request.url) == "http://renubu.test/webhooks/active/customer-update"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Active-Event-Id"] == result["event_id"]
    verify_signature(request)
    body = json.loads(request.content)
    assert body["event_id"] == result["event_id"]
    assert body["event_id"].startswith("evt_") and len(body["event_id"]) == 30
    assert body["type"] == "customer.risk_signal"
    occurred = datetime.strptime(body["occurred_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(occurred - datetime.now(UTC)) < timedelta(minutes=1)
    assert body["customer"] == {"id": "acme-corp", "name": "Acme Corp"}
    renewal = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    assert body["signals"] == {
        "risk_score": 80,
        "usage_change_pct": -23.0,
        "engagement_score": 35,
        "support_tickets_open": 5,
        "renewal_date": renewal,
        "notes": "Usage down 23% over 4 weeks; 5 open tickets",
    }


async def test_overrides_update_salesforce_and_active(client: httpx.AsyncClient, settings: SandboxSettings) -> None:
    emit = {
        "customer_id": "acme-corp",
        "renewal_in_days": 10,
        "risk_score": 91,
        "usage_change_pct": -31.5,
        "support_tickets_open": 9,
        "notes": "Champion left",
        "type": "customer.updated",
        "wait": True,
    }
    assert (await client.post("/_sandbox/active/emit", json=emit, headers=ADMIN)).status_code == 200

    renewal = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
    auth = await salesforce_headers(client, settings)
    account = await client.get(
        "/salesforce/services/data/v60.0/sobjects/Account/Customer_Key__c/acme-corp", headers=auth
    )
    assert account.json()["Renewal_Date__c"] == renewal
    opportunity = await client.get(
        "/salesforce/services/data/v60.0/query",
        params={"q": "SELECT CloseDate FROM Opportunity WHERE Account.Name = 'Acme Corp' AND IsClosed = false"},
        headers=auth,
    )
    assert [r["CloseDate"] for r in opportunity.json()["records"]] == [renewal]
    customer = await client.get(
        "/active/api/v1/customers/acme-corp", headers={"Authorization": "Bearer test-active-key"}
    )
    assert customer.json() == {
        "id": "acme-corp",
        "name": "Acme Corp",
        "risk_score": 91,
        "usage_change_pct": -31.5,
    }


async def test_event_body_reflects_overrides(client: httpx.AsyncClient, receiver: WebhookRecorder) -> None:
    emit = {"customer_id": "acme-corp", "support_tickets_open": 9, "notes": "Champion left", "wait": True}
    await client.post("/_sandbox/active/emit", json=emit, headers=ADMIN)
    signals = json.loads(receiver.requests[0].content)["signals"]
    assert (signals["support_tickets_open"], signals["notes"]) == (9, "Champion left")


@pytest.mark.parametrize(
    "receiver", [(503, 500, (429, {"Retry-After": "1"}), httpx.ConnectError("refused"), 200)], indirect=True
)
async def test_retries_on_server_errors_and_rate_limits(
    app: FastAPI, client: httpx.AsyncClient, receiver: WebhookRecorder
) -> None:
    event_id = (await client.post("/_sandbox/active/emit", json={"customer_id": "acme-corp"}, headers=ADMIN)).json()[
        "event_id"
    ]
    await state_of(app).webhooks.wait_idle()

    assert len(receiver.requests) == 5
    assert {r.headers["X-Active-Event-Id"] for r in receiver.requests} == {event_id}
    assert len({r.content for r in receiver.requests}) == 1  # the same bytes on every attempt
    for request in receiver.requests:
        verify_signature(request)
    log = (await client.get("/_sandbox/active/deliveries", headers=ADMIN)).json()
    attempts = sorted(log["attempts"], key=lambda a: a["attempt"])
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in attempts] == [
        (1, 503, "retrying"),
        (2, 500, "retrying"),
        (3, 429, "retrying"),
        (4, None, "retrying"),
        (5, 200, "delivered"),
    ]
    assert attempts[3]["error"].startswith("ConnectError")
    assert all(a["latency_ms"] >= 0 for a in attempts)
    assert log["summary"]["delivered"] == 1


@pytest.mark.parametrize("receiver", [(400,)], indirect=True)
async def test_no_retry_on_client_errors(app: FastAPI, client: httpx.AsyncClient, receiver: WebhookRecorder) -> None:
    result = await client.post("/_sandbox/active/emit", json={"customer_id": "acme-corp", "wait": True}, headers=ADMIN)
    await state_of(app).webhooks.wait_idle()
    assert len(receiver.requests) == 1
    [attempt] = result.json()["deliveries"]
    assert (attempt["status_code"], attempt["outcome"]) == (400, "failed")
    assert attempt["error"].startswith("HTTP 400")


@pytest.mark.parametrize("receiver", [(503,) * 10], indirect=True)
async def test_gives_up_after_six_attempts(app: FastAPI, client: httpx.AsyncClient, receiver: WebhookRecorder) -> None:
    await client.post("/_sandbox/active/emit", json={"customer_id": "acme-corp"}, headers=ADMIN)
    await state_of(app).webhooks.wait_idle()
    summary = (await client.get("/_sandbox/stats", headers=ADMIN)).json()["deliveries"]
    assert len(receiver.requests) == MAX_ATTEMPTS == 6
    assert (summary["failed"], summary["attempts"], summary["by_status"]) == (1, 6, {"503": 6})


async def test_backoff_schedule_and_retry_after() -> None:
    delays: list[float] = []

    async def record_sleep(seconds: float) -> None:
        delays.append(seconds)

    receiver = WebhookRecorder(503, (429, {"Retry-After": "30"}), 502, 504, 503, 503)
    dispatcher = WebhookDispatcher(
        "http://receiver.test/hook", "s", timeout_s=5, transport=receiver.transport, sleep=record_sleep
    )
    event = WebhookEvent("evt_1", "customer.updated", "acme-corp", b"{}", datetime.now(UTC))
    await dispatcher.deliver(event)
    await dispatcher.wait_idle()
    assert delays == [1, 30, 4, 8, 16]
    assert [a.outcome for a in dispatcher.attempts] == ["retrying"] * 5 + ["failed"]

    delays.clear()
    dispatcher.backoff_scale = 0.5
    receiver.replies.extend([503, 200])
    await dispatcher.redeliver("evt_1")
    await dispatcher.wait_idle()
    assert delays == [0.5]


async def test_redeliver_keeps_the_event_id_and_body(client: httpx.AsyncClient, receiver: WebhookRecorder) -> None:
    event_id = (
        await client.post("/_sandbox/active/emit", json={"customer_id": "acme-corp", "wait": True}, headers=ADMIN)
    ).json()["event_id"]
    response = await client.post(f"/_sandbox/active/redeliver/{event_id}", params={"wait": True}, headers=ADMIN)
    assert response.json()["event_id"] == event_id
    assert response.json()["deliveries"][0]["outcome"] == "delivered"
    first, second = receiver.requests
    assert first.content == second.content
    assert first.headers["X-Active-Event-Id"] == second.headers["X-Active-Event-Id"] == event_id
    verify_signature(second)
    unknown = await client.post("/_sandbox/active/redeliver/evt_unknown", headers=ADMIN)
    assert unknown.status_code == 404


async def test_emit_batch_covers_distinct_accounts(
    app: FastAPI, client: httpx.AsyncClient, receiver: WebhookRecorder
) -> None:
    response = await client.post("/_sandbox/active/emit-batch", json={"count": 5}, headers=ADMIN)
    assert len(response.json()["event_ids"]) == 5
    await state_of(app).webhooks.wait_idle()
    customers = [json.loads(r.content)["customer"]["id"] for r in receiver.requests]
    assert len(set(customers)) == 5


async def test_emit_validation(client: httpx.AsyncClient) -> None:
    unknown = await client.post("/_sandbox/active/emit", json={"customer_id": "nope"}, headers=ADMIN)
    assert unknown.status_code == 404
    for body in (
        {"customer_id": "acme-corp", "risk_score": 101},
        {"customer_id": "acme-corp", "colour": "red"},
    ):
        assert (await client.post("/_sandbox/active/emit", json=body, headers=ADMIN)).status_code == 422
    assert (await client.post("/_sandbox/active/emit", json={"customer_id": "acme-corp"})).status_code == 401


async def test_webhook_target_can_be_changed_at_run_time(
    app: FastAPI, client: httpx.AsyncClient, receiver: WebhookRecorder
) -> None:
    response = await client.put(
        "/_sandbox/active/webhook",
        json={"url": "http://elsewhere.test/hook", "backoff_scale": 0.01},
        headers=ADMIN,
    )
    assert response.json() == {"url": "http://elsewhere.test/hook", "backoff_scale": 0.01}
    await client.post("/_sandbox/active/emit", json={"customer_id": "acme-corp", "wait": True}, headers=ADMIN)
    assert str(receiver.requests[0].url) == "http://elsewhere.test/hook"


async def test_timer_emits_until_switched_off(
    app: FastAPI, client: httpx.AsyncClient, receiver: WebhookRecorder
) -> None:
    response = await client.put("/_sandbox/active/timer", json={"interval_s": 0.02}, headers=ADMIN)
    assert response.json() == {"interval_s": 0.02, "running": True}
    for _ in range(100):
        if len(receiver.requests) >= 2:
            break
        await asyncio.sleep(0.02)
    stopped = await client.put("/_sandbox/active/timer", json={"interval_s": 0}, headers=ADMIN)
    assert stopped.json() == {"interval_s": 0, "running": False}
    await state_of(app).webhooks.wait_idle()
    sent = len(receiver.requests)
    assert sent >= 2
    assert {json.loads(r.content)["type"] for r in receiver.requests} == {"customer.updated"}
    await asyncio.sleep(0.1)
    assert len(receiver.requests) == sent


async def test_lifespan_starts_and_stops_the_timer(receiver: WebhookRecorder) -> None:
    app = create_app(make_settings(active_emit_interval_s=0.01), webhook_transport=receiver.transport)
    timer = state_of(app).emit_timer
    async with app.router.lifespan_context(app):
        assert timer.running
        for _ in range(100):
            if receiver.requests:
                break
            await asyncio.sleep(0.01)
    assert not timer.running
    assert receiver.requests
