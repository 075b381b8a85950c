"""Manager notifications: email over SMTP and a Slack incoming webhook."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

import httpx

from clients.errors import ServerError
from clients.http import check_response
from core.settings import Settings


@dataclass(frozen=True)
class Smtp:
    """Where mail goes: the sandbox's sink locally; a provider with STARTTLS and a login in production."""

    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = False

    @classmethod
    def from_settings(cls, s: Settings) -> Smtp:
        password = s.notify.smtp_password.get_secret_value() if s.notify.smtp_password else ""
        return cls(
            s.notify.smtp_host,
            s.notify.smtp_port,
            s.notify.smtp_from,
            s.notify.smtp_username,
            password,
            s.notify.smtp_starttls,
        )


def _send_mail(smtp: Smtp, to: list[str], subject: str, body: str, message_id: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = smtp.sender, ", ".join(to), subject, message_id
    msg.set_content(body)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=15) as server:
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
        if smtp.username:
            server.login(smtp.username, smtp.password)
        server.send_message(msg)


async def send_email(smtp: Smtp, to: list[str], subject: str, body: str, message_id: str) -> None:
    try:
        await asyncio.to_thread(_send_mail, smtp, to, subject, body, message_id)
    except (OSError, smtplib.SMTPException) as exc:  # connection refused, 4xx/5xx replies: try again later
        raise ServerError("smtp", None, f"{type(exc).__name__}: {exc}") from exc


def slack_escape(text: str) -> str:
    """Slack reads <...> as links and mentions (<!channel>): a member's words must stay plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def post_slack(webhook_url: str, text: str, transport: httpx.AsyncBaseTransport | None = None) -> None:
    async with httpx.AsyncClient(timeout=10, transport=transport) as http:
        try:
            response = await http.post(webhook_url, json={"text": slack_escape(text)})
        except httpx.HTTPError as exc:
            raise ServerError("slack", None, str(exc)) from exc
        check_response("slack", response)
