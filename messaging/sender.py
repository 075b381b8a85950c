"""Sending one message through the outbox, exactly once.

Order of checks at send time: the kill switch (stops everything), the
suppression list (STOP replies, admin entries), then ClubOS, which gets the
outbox key as its Idempotency-Key. A retried activity finds rows already sent
and skips them; a row whose send was cut off is sent again with the same key,
which ClubOS recognises, so the member still gets one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from temporalio.exceptions import ApplicationError

from clients.clubos import ClubOSClient, RecipientOptedOut
from clients.clubos_models import Channel
from clients.errors import ClientError
from core import metrics
from db import control, outbox, suppression
from db.engine import Database
from db.models import OutboxEntry


@dataclass(frozen=True)
class Recipient:
    member_id: str | None = None
    prospect_id: str | None = None
    to: str | None = None  # phone or email when neither id applies
    contact: str | None = None  # what suppression is checked against
    label: str = ""


@dataclass(frozen=True)
class SendResult:
    state: Literal["sent", "rejected", "failed"]
    detail: str
    message_id: str | None = None


def kill_switch_error(reason: str) -> ApplicationError:
    return ApplicationError(
        f"kill switch on: {reason or 'all sending stopped'}", type="KillSwitchEngaged", non_retryable=True
    )


class MessageSender:
    def __init__(self, db: Database, clubos: ClubOSClient) -> None:
        self.db, self.clubos = db, clubos

    async def send(
        self,
        *,
        key: str,
        kind: str,
        channel: Channel,
        recipient: Recipient,
        body: str,
        subject: str | None = None,
        workflow_id: str | None = None,
        approval_id: str | None = None,
        opt_out_confirmation: bool = False,
    ) -> SendResult:
        entry = await outbox.enqueue(
            self.db,
            key=key,
            kind=kind,
            target=recipient.label or recipient.contact or "",
            payload={
                "channel": channel,
                "body": body,
                "subject": subject,
                "member_id": recipient.member_id,
                "prospect_id": recipient.prospect_id,
                "to": recipient.to,
            },
            workflow_id=workflow_id,
            state="approved",
            channel=channel,
            approval_id=approval_id,
            recipient=recipient.member_id or recipient.prospect_id,
        )
        if entry.state in ("sent", "rejected", "failed"):
            return _recorded(entry)
        async with self.db.session() as session:
            kill = await control.kill_switch(session)
            suppressed = await suppression.is_suppressed(session, recipient.contact, channel, recipient.member_id)
        if kill["on"]:
            raise kill_switch_error(str(kill.get("reason", "")))
        if suppressed and not opt_out_confirmation:  # the confirmation of a STOP is the one exception
            await outbox.set_state(self.db, key, "rejected", error="recipient is on the suppression list")
            metrics.SENDS.inc(channel=channel, outcome="rejected")
            return SendResult("rejected", "on the suppression list")
        await outbox.count_attempt(self.db, key)
        try:
            sent = await self.clubos.send_message(
                key,
                channel=channel,
                body=body,
                subject=subject,
                member_id=recipient.member_id,
                prospect_id=recipient.prospect_id,
                to=recipient.to,
                opt_out_confirmation=opt_out_confirmation,
            )
        except RecipientOptedOut as exc:
            await outbox.set_state(self.db, key, "rejected", error=f"opted out in ClubOS: {exc}")
            metrics.SENDS.inc(channel=channel, outcome="rejected")
            return SendResult("rejected", "opted out")
        except ClientError as exc:  # this message can never succeed; the batch goes on
            await outbox.set_state(self.db, key, "failed", error=str(exc))
            metrics.SENDS.inc(channel=channel, outcome="failed")
            return SendResult("failed", str(exc))
        await outbox.set_state(self.db, key, "sent", result={"message_id": sent.id, "status": sent.status})
        metrics.SENDS.inc(channel=channel, outcome="sent")
        return SendResult("sent", sent.status, sent.id)


def _recorded(entry: OutboxEntry) -> SendResult:
    result: dict[str, Any] = entry.result or {}
    return SendResult(
        entry.state,  # type: ignore[arg-type]  # a final outbox state: sent / rejected / failed
        entry.error or str(result.get("status", "")),
        result.get("message_id"),
    )
