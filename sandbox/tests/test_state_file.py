"""The sandbox's state survives its own restart: everything a tester can read back (deliveries, the door log,
sent messages and mail, leads, members, payments, Tasks, faults, run-time settings) reads the same after it;
a delivery the restart interrupted carries on; and after `kill -9` an Idempotency-Key still replays."""

from __future__ import annotations

import asyncio
import os
import signal
import smtplib
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.clubos.people import bounces, is_landline
from sandbox.clubos.testing import API, API_KEY, clubos_settings, with_key
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState
from sandbox.testing import ADMIN, WebhookRecorder, salesforce_headers, sandbox_client

DATA = "/salesforce/services/data/v60.0"
CLUBOS = "/clubos/api/v1"


def state_of(app: FastAPI) -> SandboxState:
    state: SandboxState = app.state.sandbox
    return state


@asynccontextmanager
async def running(settings: SandboxSettings, receiver: WebhookRecorder) -> AsyncIterator[FastAPI]:
    """The sandbox app with its lifespan (timers, SMTP sink, resumed deliveries), as `python -m sandbox` runs it."""
    app = create_app(settings, webhook_transport=receiver.transport, smtp_port=0)
    await state_of(app).startup()
    try:
        yield app
    finally:
        await state_of(app).shutdown()


def send_mail(address: tuple[str, int], to: str, subject: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Renubu <renubu@renubu.demo>", to, subject
    message.set_content("Hello")
    with smtplib.SMTP(*address, timeout=10) as smtp:
        smtp.send_message(message)


async def make_changes(app: FastAPI, settings: SandboxSettings) -> dict[str, Any]:
    """A bit of everything a tester does; returns what the checks need (ids, the Salesforce token)."""
    state = state_of(app)
    club = state.clubos
    reachable = [
        m
        for m in club.world.members
        if m.status == "green" and not (m.opt_out_sms or m.opt_out_email or is_landline(m.phone) or bounces(m.email))
    ]
    owing = max(club.world.members, key=lambda m: m.past_due_cents)
    async with sandbox_client(app) as client:
        auth = await salesforce_headers(client, settings)
        task = await client.patch(
            f"{DATA}/sobjects/Task/Renubu_Key__c/call-acme", json={"Subject": "Call"}, headers=auth
        )
        assert task.status_code == 201, task.text
        changed = await client.patch(
            "/_sandbox/salesforce/accounts/acme-corp",
            json={"arr": 123456.0, "renewal_date": "2031-01-02"},
            headers=ADMIN,
        )
        assert changed.status_code == 200, changed.text
        assert (await client.put("/_sandbox/salesforce/token-ttl", json={"ttl_s": 86400}, headers=ADMIN)).is_success
        emitted = await client.post(
            "/_sandbox/active/emit", json={"customer_id": "acme-corp", "risk_score": 91, "wait": True}, headers=ADMIN
        )
        assert emitted.status_code == 200, emitted.text
        assert (await client.put("/_sandbox/active/webhook", json={"backoff_scale": 0.5}, headers=ADMIN)).is_success
        assert (await client.put("/_sandbox/active/timer", json={"interval_s": 3600}, headers=ADMIN)).is_success
        faults = {"salesforce": {"latency_ms": 5}, "active": {"retry_after_s": 7}}
        assert (await client.put("/_sandbox/faults", json=faults, headers=ADMIN)).is_success

        sent = await client.post(
            f"{CLUBOS}/messages",
            json={"channel": "sms", "member_id": reachable[0].id, "body": "Hi"},
            headers=with_key("m1"),
        )
        assert sent.status_code == 201, sent.text
        recipients = [{"member_id": m.id} for m in reachable[1:4]] + [{"prospect_id": club.world.prospects[0].id}]
        campaign = {
            "name": "Spring",
            "channel": "email",
            "subject": "Hi {first_name}",
            "body": "Come back",
            "recipients": recipients,
        }
        assert (await client.post(f"{CLUBOS}/campaigns", json=campaign, headers=with_key("c1"))).status_code == 201
        lock = {"action": "lock", "reason": "past due"}
        assert (
            await client.post(f"{CLUBOS}/members/{owing.id}/door-access", json=lock, headers=with_key("d1"))
        ).is_success
        link = await client.post(
            f"{CLUBOS}/members/{owing.id}/payment-links", json={"amount": 10}, headers=with_key("p1")
        )
        assert link.status_code == 201, link.text
        assert (await client.post(urlsplit(link.json()["url"]).path)).status_code == 303  # paid
        inbound = {"member_id": reachable[4].id, "body": "STOP"}
        assert (await client.post("/_sandbox/clubos/inbound", json=inbound, headers=ADMIN)).status_code == 201
        assert (await client.put("/_sandbox/clubos/push", json={"drop_next": 3}, headers=ADMIN)).is_success

        await asyncio.to_thread(send_mail, state.mail.address, "robin@example.com", "Welcome")
        mail_id = state.mail.newest_first()[0].id
        assert (await client.post(f"/_sandbox/mail/{mail_id}/track", json={"type": "opened"}, headers=ADMIN)).is_success
        lead = {"first_name": "Robin", "email": "robin@example.com"}
        assert (await client.post("/_sandbox/leads", json=lead, headers=ADMIN)).is_success
    return {"auth": auth, "owing": owing.id, "stopped": reachable[4].id}


# What a tester reads back; `in_flight` (deliveries running right now) is not state.
READS: list[tuple[str, dict[str, str] | Callable[[dict[str, Any]], dict[str, str]]]] = [
    ("/_sandbox/faults", ADMIN),
    ("/_sandbox/salesforce/tasks", ADMIN),
    (f"{DATA}/sobjects/Account/Customer_Key__c/acme-corp", lambda seen: seen["auth"]),
    ("/active/api/v1/customers/acme-corp", {"Authorization": "Bearer test-active-key"}),
    ("/_sandbox/active/deliveries", ADMIN),
    (f"{CLUBOS}/messages", API),
    (f"{CLUBOS}/campaigns", API),
    (f"{CLUBOS}/door-access/log", API),
    (f"{CLUBOS}/members?page_size=200", API),
    (f"{CLUBOS}/prospects?page_size=200", API),
    (f"{CLUBOS}/inbox/messages?limit=500", API),
    (f"{CLUBOS}/conversations?page_size=200", API),
    ("/_sandbox/clubos/push", ADMIN),
    ("/_sandbox/clubos/counts", ADMIN),
    ("/_sandbox/mail?limit=1000", ADMIN),
    ("/_sandbox/leads", ADMIN),
]


async def settled(app: FastAPI) -> None:
    """Until every sent message has left "queued" (within a second), so reading twice gives the same status."""
    club = state_of(app).clubos
    while any(message.status(club.now()) == "queued" for message in club.messenger.sent):
        await asyncio.sleep(0.05)


async def read_back(app: FastAPI, seen: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    async with sandbox_client(app) as client:
        for path, headers in READS:
            response = await client.get(path, headers=headers(seen) if callable(headers) else headers)
            assert response.status_code == 200, (path, response.text)
            found[path] = _without_in_flight(response.json())
    state = state_of(app)
    found["timers"] = (state.emit_timer.interval_s, state.webhooks.backoff_scale)
    found["mail listening"] = found["/_sandbox/mail?limit=1000"].pop("address")
    return found


def _without_in_flight(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_in_flight(v) for k, v in value.items() if k != "in_flight"}
    if isinstance(value, list):
        return [_without_in_flight(v) for v in value]
    return value


async def test_everything_a_tester_reads_back_survives_a_restart(tmp_path: Path) -> None:
    settings = clubos_settings(data_dir=tmp_path)
    async with running(settings, WebhookRecorder()) as app:
        seen = await make_changes(app, settings)
        await state_of(app).webhooks.wait_idle()
        await settled(app)
        before = await read_back(app, seen)
    assert (tmp_path / "sandbox.db").exists()
    assert before[f"{CLUBOS}/messages"]["total"] == 5 and before["/_sandbox/salesforce/tasks"]["total"] == 1
    assert before[f"{CLUBOS}/door-access/log"]["total"] == 1 and before["/_sandbox/leads"]["total"] == 1
    assert before["/_sandbox/mail?limit=1000"]["total"] == 1

    async with running(settings, WebhookRecorder()) as app:
        after = await read_back(app, seen)
        state = state_of(app)
        assert state.clubos.world.member(seen["stopped"]).opt_out_sms  # type: ignore[union-attr]
        assert state.clubos.world.member(seen["owing"]).door_access == "locked"  # type: ignore[union-attr]
    for key, value in before.items():
        if key != "mail listening":  # the sink's port is picked afresh
            assert after[key] == value, key
    counts = after["/_sandbox/clubos/counts"]
    assert all(row == {"requests": 1, "effects": 1} for scope in counts.values() for row in scope.values())


async def test_the_next_message_and_task_ids_follow_the_stored_ones(tmp_path: Path) -> None:
    settings = clubos_settings(data_dir=tmp_path)
    ids = []
    for key in ("first", "second"):
        async with running(settings, WebhookRecorder()) as app:
            club = state_of(app).clubos
            member = next(m for m in club.world.members if m.status == "green" and not bounces(m.email))
            async with sandbox_client(app) as client:
                body = {"channel": "email", "member_id": member.id, "subject": "Hi", "body": "Hello"}
                sent = await client.post(f"{CLUBOS}/messages", json=body, headers=with_key(key))
                auth = await salesforce_headers(client, settings)
                task = await client.post(f"{DATA}/sobjects/Task", json={"Subject": key}, headers=auth)
            ids.append((sent.json()["id"], task.json()["id"], club.inbox.messages[-1].seq))
    assert len({message for message, _, _ in ids}) == 2 and len({task for _, task, _ in ids}) == 2
    assert ids[1][2] == ids[0][2] + 1  # the inbox log carries on: cursors stay valid


async def test_an_interrupted_delivery_carries_on_after_the_restart(tmp_path: Path) -> None:
    settings = clubos_settings(data_dir=tmp_path)
    down = WebhookRecorder(503)
    async with running(settings, down) as app:
        async with sandbox_client(app) as client:
            emitted = await client.post(
                "/_sandbox/active/emit", json={"customer_id": "acme-corp", "wait": True}, headers=ADMIN
            )
        assert emitted.json()["deliveries"][0]["outcome"] == "retrying"  # Renubu is down; the next try is in 1 s
    up = WebhookRecorder()
    async with running(settings, up) as app:
        await state_of(app).webhooks.wait_idle()
        deliveries = state_of(app).webhooks.recent_attempts(10)
    event_id = emitted.json()["event_id"]
    assert [r.headers["X-Active-Event-Id"] for r in up.requests] == [event_id]
    assert [(a.attempt, a.outcome) for a in deliveries] == [(2, "delivered"), (1, "retrying")]


async def test_reset_forgets_the_stored_state(tmp_path: Path) -> None:
    settings = clubos_settings(data_dir=tmp_path)
    async with running(settings, WebhookRecorder()) as app:
        await make_changes(app, settings)
        async with sandbox_client(app) as client:
            assert (await client.post("/_sandbox/reset", headers=ADMIN)).is_success
    async with running(settings, WebhookRecorder()) as app:
        state = state_of(app)
        assert not state.data.tasks and not state.clubos.messenger.sent and not state.mail.newest_first()
        assert not state.lead_form.submissions and not state.clubos.door.log
        assert state.data.account_by_key("acme-corp").arr != 123456.0  # type: ignore[union-attr]


async def test_other_settings_start_another_world(tmp_path: Path) -> None:
    async with running(clubos_settings(data_dir=tmp_path), WebhookRecorder()) as app:
        await make_changes(app, clubos_settings(data_dir=tmp_path))
    async with running(clubos_settings(data_dir=tmp_path, sandbox_seed=7), WebhookRecorder()) as app:
        assert not state_of(app).clubos.messenger.sent and state_of(app).data.seed == 7


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def sandbox_process(data_dir: Path, port: int) -> AsyncIterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "RENUBU_DATA_DIR": str(data_dir),
        "RENUBU_SANDBOX_PORT": str(port),
        "RENUBU_CLUBOS_API_KEY": API_KEY,
        "RENUBU_CLUBOS_WEBHOOK_URL": "http://127.0.0.1:9/unreachable",
        "RENUBU_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([sys.executable, "-m", "sandbox"], env=env, cwd=data_dir)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(300):  # until it answers (or gives up on starting)
                assert process.poll() is None, "the sandbox exited"
                try:
                    await client.get("/_sandbox/faults", headers=ADMIN)
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(30)


@pytest.mark.parametrize("scope", ["messages", "door_access"])
async def test_after_kill_9_a_retried_request_replays_exactly_once(tmp_path: Path, scope: str) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    async with sandbox_process(tmp_path, port) as process, httpx.AsyncClient(base_url=base) as client:
        members = (await client.get(f"{CLUBOS}/members", params={"status": "green"}, headers=API)).json()["data"]
        member = next(m for m in members if not is_landline(m["phone"]))
        path, body = {
            "messages": (f"{CLUBOS}/messages", {"channel": "sms", "member_id": member["id"], "body": "Hi"}),
            "door_access": (f"{CLUBOS}/members/{member['id']}/door-access", {"action": "lock", "reason": "test"}),
        }[scope]
        first = await client.post(path, json=body, headers=with_key("once"))
        assert first.is_success, first.text
        process.send_signal(signal.SIGKILL)  # no shutdown: only what was committed survives
        process.wait(30)

    async with sandbox_process(tmp_path, port), httpx.AsyncClient(base_url=base) as client:
        retried = await client.post(path, json=body, headers=with_key("once"))
        counts = (await client.get("/_sandbox/clubos/counts", headers=ADMIN)).json()[scope]
    assert retried.status_code == 200 and retried.headers["Idempotent-Replayed"] == "true"
    made = "id" if scope == "messages" else "log_id"
    assert retried.json()[made] == first.json()[made]
    assert counts == {"once": {"requests": 2, "effects": 1}}
