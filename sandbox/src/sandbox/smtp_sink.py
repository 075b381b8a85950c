"""A catch-all SMTP server: accepts any mail for any recipient and keeps it for inspection (in memory,
and in the state file when there is one: mail sent before a restart is still there after it).

It stands in for a mail provider, so email sent by Renubu (or by ClubOS later) can be checked in
tests and in the sandbox page instead of reaching anyone. It runs on the sandbox's event loop;
if its port is taken the sandbox still starts, and the mail API says why nothing arrives.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from sandbox.faults import FaultInjector
from sandbox.persist import MEMORY, StateStore

logger = logging.getLogger("sandbox.smtp")
# aiosmtpd logs every SMTP command at INFO; the sandbox's log is for its own events.
logging.getLogger("mail.log").setLevel(logging.WARNING)
KEPT_MAILS = 1000
SMTP_SERVICE = "smtp"  # its name under /_sandbox/faults


@dataclass(frozen=True)
class StoredMail:
    id: str
    envelope_from: str
    envelope_to: tuple[str, ...]
    from_header: str
    to_header: str
    subject: str
    text: str
    html: str | None
    message_id: str | None
    headers: tuple[tuple[str, str], ...]
    size: int
    received_at: datetime

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": self.from_header or self.envelope_from,
            "to": list(self.envelope_to),
            "subject": self.subject,
            "text": self.text,
            "message_id": self.message_id,
            "received_at": self.received_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "envelope_from": self.envelope_from,
            "to_header": self.to_header,
            "html": self.html,
            "headers": [list(pair) for pair in self.headers],
            "size": self.size,
        }


def _accept_any_login(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    """Like a dev mail catcher, take any credentials: a sender configured with a login still works."""
    return AuthResult(success=True)


def _body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # unknown charset or broken transfer encoding: keep what we can
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
    return content if isinstance(content, str) else None


class _Handler:
    def __init__(self, sink: MailSink) -> None:
        self._sink = sink

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        refusal = await self._sink.injected_refusal()
        if refusal is not None:
            return refusal
        raw = envelope.original_content or envelope.content or b""
        content = raw if isinstance(raw, bytes) else raw.encode()
        stored = self._sink.store(envelope.mail_from or "", list(envelope.rcpt_tos), content)
        return f"250 OK: queued as {stored.id}"


class MailSink:
    """`port` 0 picks a free port (see `address`); independent of Settings so tests choose their own."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        store: StateStore = MEMORY,
        faults: FaultInjector | None = None,
    ) -> None:
        self.host = host
        self._faults = faults
        self.port = port
        self.error: str | None = None
        self._clock = clock
        self._stored = store.table("mail", StoredMail, key=lambda mail: mail.id)
        self._mails: deque[StoredMail] = deque(self._stored.load(keep=KEPT_MAILS), maxlen=KEPT_MAILS)
        last = int(self._mails[-1].id.removeprefix("ML")) if self._mails else 0
        self._numbers = itertools.count(last + 1)
        self._server: asyncio.Server | None = None

    @property
    def listening(self) -> bool:
        return self._server is not None

    @property
    def address(self) -> tuple[str, int]:
        """Where the sink listens: the real port once started, even when constructed with port 0."""
        if self._server is not None and self._server.sockets:
            host, port, *_ = self._server.sockets[0].getsockname()
            return host, port
        return self.host, self.port

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        handler = _Handler(self)
        try:
            self._server = await loop.create_server(
                lambda: SMTP(
                    handler,
                    hostname="sandbox.renubu.local",
                    enable_SMTPUTF8=True,
                    authenticator=_accept_any_login,
                    auth_require_tls=False,
                    loop=loop,
                ),
                self.host,
                self.port,
            )
        except OSError as exc:
            # A second sandbox (or a test stack) on this machine: mail is optional, the APIs are not.
            self.error = f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
            logger.warning("SMTP sink disabled: %s", self.error)
            return
        self.error = None
        logger.info("SMTP sink listening on %s:%d", *self.address)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def injected_refusal(self) -> str | None:
        """The SMTP reply for a fault injected under the `smtp` service, if any: a relay's temporary
        failures (4xx), so a sender keeps the mail and tries again, as with a real provider's outage."""
        if self._faults is None:
            return None
        await asyncio.sleep(self._faults.latency_s(SMTP_SERVICE))
        fault = self._faults.draw(SMTP_SERVICE)
        if fault is None:
            return None
        if fault.status_code == 429:
            return "451 4.7.1 Rate limited, try again later (injected by the sandbox)"
        return "421 4.3.0 Mail relay unavailable (injected by the sandbox)"

    def store(self, envelope_from: str, envelope_to: list[str], raw: bytes) -> StoredMail:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)  # guaranteed by policy.default
        mail = StoredMail(
            id=f"ML{next(self._numbers):06d}",
            envelope_from=envelope_from,
            envelope_to=tuple(envelope_to),
            from_header=str(message.get("From", "")),
            to_header=str(message.get("To", "")),
            subject=str(message.get("Subject", "")),
            text=_body(message, "plain") or "",
            html=_body(message, "html"),
            message_id=str(message["Message-ID"]) if message["Message-ID"] else None,
            headers=tuple((name, str(value)) for name, value in message.items()),
            size=len(raw),
            received_at=self._clock(),
        )
        self._mails.append(mail)
        self._stored.put(mail)
        return mail

    def get(self, mail_id: str) -> StoredMail | None:
        return next((mail for mail in self._mails if mail.id == mail_id), None)

    def newest_first(self) -> list[StoredMail]:
        return list(reversed(self._mails))

    def clear(self) -> int:
        count = len(self._mails)
        self._mails.clear()
        self._stored.clear()
        return count
