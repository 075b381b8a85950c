"""The sandbox's mail view reports tracking like a mail provider: "Mark opened" /
"Mark clicked" send Renubu a signed engagement event for the recipient, the
result shows in the Mail tab."""

from __future__ import annotations

import asyncio
import json
import smtplib
from collections.abc import AsyncIterator
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.state import SandboxState
from sandbox.testing import ADMIN, WebhookRecorder, check_signature, make_settings, sandbox_client

SECRET = "intake-test-secret"
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def receiver() -> WebhookRecorder:
    return WebhookRecorder(202, 202, 404)


@pytest.fixture
async def app(receiver: WebhookRecorder) -> AsyncIterator[FastAPI]:
    settings = make_settings(engagement_webhook_url="http://renubu.test/webhooks/events", intake_webhook_secret=SECRET)
    app = create_app(settings, webhook_transport=receiver.transport, smtp_port=0)
    state: SandboxState = app.state.sandbox
    await state.startup()
    try:
        yield app
    finally:
        await state.shutdown()


async def deliver(app: FastAPI, to: str, subject: str) -> str:
    state: SandboxState = app.state.sandbox
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Renubu <renubu@renubu.demo>", to, subject
    message.set_content("Hi!")

    def send() -> None:  # blocking smtplib off the loop the sink runs on
        with smtplib.SMTP(*state.mail.address, timeout=10) as smtp:
            smtp.send_message(message)

    await asyncio.to_thread(send)
    return state.mail.newest_first()[0].id


def flash(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["msg"][0]


async def test_mark_opened_sends_a_signed_engagement_event(app: FastAPI, receiver: WebhookRecorder) -> None:
    mail_id = await deliver(app, "robin@example.com", SCRIPT)
    async with sandbox_client(app) as client:
        tab = await client.get("/", params={"tab": "mail"})
        assert f'action="/ui/mail/{mail_id}/opened"' in tab.text and "Mark clicked" in tab.text
        assert SCRIPT not in tab.text and "http://renubu.test/webhooks/events" in tab.text
        opened = await client.post(f"/ui/mail/{mail_id}/opened")
        assert flash(opened) == "Marked opened for robin@example.com: delivered, HTTP 202"
        clicked = await client.post(f"/_sandbox/mail/{mail_id}/track", json={"type": "clicked"}, headers=ADMIN)
        assert clicked.json()["events"][0]["delivery"]["status_code"] == 202
        refused = await client.post(f"/ui/mail/{mail_id}/opened")  # the receiver answers 404 this time
        assert "failed, HTTP 404" in flash(refused)
        tab = await client.get("/", params={"tab": "mail"})
        assert tab.text.count('class="pill delivered"') == 2 and tab.text.count('class="pill failed"') == 1
        assert (await client.post("/ui/mail/ML999999/opened")).headers["location"].endswith("Unknown+mail+ML999999")
        assert (await client.post(f"/ui/mail/{mail_id}/bounced")).status_code == 422
        assert (
            await client.post("/_sandbox/mail/ML999999/track", json={"type": "opened"}, headers=ADMIN)
        ).status_code == 404

    first, second = receiver.requests[:2]
    assert str(first.url) == "http://renubu.test/webhooks/events"
    check_signature(first, SECRET, "X-Renubu")
    payload = json.loads(first.content)
    assert payload["type"] == "opened" and payload["channel"] == "email" and payload["email"] == "robin@example.com"
    assert payload["data"]["mail_id"] == mail_id and json.loads(second.content)["type"] == "clicked"
    assert len({json.loads(r.content)["event_id"] for r in receiver.requests}) == 3  # a fresh id each time
