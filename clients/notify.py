"""Manager notifications: email over SMTP and a Slack incoming webhook."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

import httpx

from clients.errors import ServerError
from clients.http import check_response


def _send_mail(host: str, port: int, sender: str, to: list[str], subject: str, body: str, message_id: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = sender, ", ".join(to), subject, message_id
    msg.set_content(body)
    with smtplib.SMTP(host, port, timeout=15) as smtp:
        smtp.send_message(msg)


async def send_email(
    host: str, port: int, sender: str, to: list[str], subject: str, body: str, message_id: str
) -> None:
    try:
        await asyncio.to_thread(_send_mail, host, port, sender, to, subject, body, message_id)
    except (OSError, smtplib.SMTPException) as exc:  # connection refused, 4xx/5xx replies: try again later
        raise ServerError("smtp", None, f"{type(exc).__name__}: {exc}") from exc


async def post_slack(webhook_url: str, text: str, transport: httpx.AsyncBaseTransport | None = None) -> None:
    async with httpx.AsyncClient(timeout=10, transport=transport) as http:
        try:
            response = await http.post(webhook_url, json={"text": text})
        except httpx.HTTPError as exc:
            raise ServerError("slack", None, str(exc)) from exc
        check_response("slack", response)
