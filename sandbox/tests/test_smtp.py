"""The sandbox's SMTP sink: accepts any mail over real SMTP, lists it through the admin API and the Mail tab."""

from __future__ import annotations

import asyncio
import smtplib
import socket
from collections.abc import AsyncIterator
from email.message import EmailMessage

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.smtp_sink import MailSink
from sandbox.state import SandboxState
from sandbox.testing import ADMIN, make_settings, sandbox_client

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
async def app() -> AsyncIterator[FastAPI]:
    app = create_app(make_settings(), smtp_port=0)
    state: SandboxState = app.state.sandbox
    await state.startup()
    try:
        yield app
    finally:
        await state.shutdown()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


def sink_of(app: FastAPI) -> MailSink:
    sink: MailSink = app.state.sandbox.mail
    return sink


def send_mail(port: int, message: EmailMessage, recipients: list[str] | None = None, *, login: bool = False) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        if login:
            smtp.login("renubu", "any-password")
        smtp.send_message(message, to_addrs=recipients)


def reminder(subject: str = "Your balance at Anytime Fitness Riverside") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Renubu <renubu@renubu.demo>"
    message["To"] = "dana.smith@gmail.com"
    message["Subject"] = subject
    message["Message-ID"] = "<reminder-1@renubu.demo>"
    message.set_content("Hi Dana, you have $248.43 due. Pay here: http://127.0.0.1:8100/clubos/pay/abc")
    message.add_alternative("<p>Hi Dana, you have <b>$248.43</b> due.</p>", subtype="html")
    return message


async def test_mail_sent_over_smtp_is_stored_and_listed(client: httpx.AsyncClient, app: FastAPI) -> None:
    sink = sink_of(app)
    assert sink.listening and sink.address[1] > 0
    message = reminder()
    await asyncio.to_thread(send_mail, sink.address[1], message, ["dana.smith@gmail.com", "manager@club.test"])

    listing = (await client.get("/_sandbox/mail", headers=ADMIN)).json()
    assert listing["listening"] is True and listing["address"].endswith(f":{sink.address[1]}")
    [summary] = listing["messages"]
    assert summary["from"] == "Renubu <renubu@renubu.demo>"
    assert summary["to"] == ["dana.smith@gmail.com", "manager@club.test"]  # the envelope: Bcc included
    assert summary["subject"] == "Your balance at Anytime Fitness Riverside"
    assert summary["text"].strip() == "Hi Dana, you have $248.43 due. Pay here: http://127.0.0.1:8100/clubos/pay/abc"
    assert summary["message_id"] == "<reminder-1@renubu.demo>" and summary["received_at"].endswith("Z")

    detail = (await client.get(f"/_sandbox/mail/{summary['id']}", headers=ADMIN)).json()
    assert "<b>$248.43</b>" in detail["html"] and detail["envelope_from"] == "renubu@renubu.demo"
    assert ["Subject", "Your balance at Anytime Fitness Riverside"] in detail["headers"]
    assert (await client.get("/_sandbox/mail/ML999999", headers=ADMIN)).status_code == 404

    assert (await client.delete("/_sandbox/mail", headers=ADMIN)).json() == {"deleted": 1}
    assert (await client.get("/_sandbox/mail", headers=ADMIN)).json()["total"] == 0


async def test_plain_unicode_mail_and_newest_first(client: httpx.AsyncClient, app: FastAPI) -> None:
    port = sink_of(app).address[1]
    for subject in ("First", "Zweite Nachricht – für Jürgen"):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", subject
        message.set_content("Grüße 💪")
        await asyncio.to_thread(send_mail, port, message, login=True)  # any login is accepted
    messages = (await client.get("/_sandbox/mail", headers=ADMIN)).json()["messages"]
    assert [m["subject"] for m in messages] == ["Zweite Nachricht – für Jürgen", "First"]
    assert messages[0]["text"].strip() == "Grüße 💪" and messages[0]["message_id"] is None


async def test_mail_tab_escapes(client: httpx.AsyncClient, app: FastAPI) -> None:
    await asyncio.to_thread(send_mail, sink_of(app).address[1], reminder(subject=SCRIPT))
    html = (await client.get("/", params={"tab": "mail"})).text
    assert SCRIPT not in html and "&lt;script&gt;" in html and "1 message stored" in html


async def test_mail_admin_needs_the_header(client: httpx.AsyncClient) -> None:
    assert (await client.get("/_sandbox/mail")).status_code == 401
    assert (await client.delete("/_sandbox/mail")).status_code == 401


async def test_a_busy_port_disables_the_sink_but_not_the_sandbox() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        app = create_app(make_settings(), smtp_port=taken.getsockname()[1])
        state: SandboxState = app.state.sandbox
        await state.startup()
        try:
            async with sandbox_client(app) as client:
                listing = (await client.get("/_sandbox/mail", headers=ADMIN)).json()
                assert listing["listening"] is False and "cannot listen" in listing["error"]
                assert "not listening" in (await client.get("/", params={"tab": "mail"})).text
        finally:
            await state.shutdown()


def test_default_port_follows_the_sandbox_port() -> None:
    app = create_app(make_settings(sandbox_port=9100))
    assert app.state.sandbox.mail.address == ("127.0.0.1", 9125)


async def test_injected_faults_refuse_mail_for_a_while(client: httpx.AsyncClient, app: FastAPI) -> None:
    """`smtp` under /_sandbox/faults: the relay answers a temporary failure (4xx) and keeps nothing, so a
    sender's outage handling can be tried by hand; back to normal, the same mail is accepted."""
    port = sink_of(app).address[1]
    faults = {"smtp": {"error_rate": 1.0}}
    assert (await client.put("/_sandbox/faults", json=faults, headers=ADMIN)).status_code == 200
    with pytest.raises(smtplib.SMTPDataError) as refused:
        await asyncio.to_thread(send_mail, port, reminder())
    assert refused.value.smtp_code == 421
    await client.put("/_sandbox/faults", json={"smtp": {"error_rate": 0.0, "rate_limit_next": 1}}, headers=ADMIN)
    with pytest.raises(smtplib.SMTPDataError) as limited:
        await asyncio.to_thread(send_mail, port, reminder())
    assert limited.value.smtp_code == 451
    assert (await client.get("/_sandbox/mail", headers=ADMIN)).json()["total"] == 0
    await asyncio.to_thread(send_mail, port, reminder())
    assert (await client.get("/_sandbox/mail", headers=ADMIN)).json()["total"] == 1
