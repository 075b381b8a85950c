"""HMAC signatures on inbound webhooks: `X-Active-Signature: v1=<hex>` over
`<timestamp>.<raw body>`, with the timestamp inside a tolerance window so a
captured request cannot be replayed later."""

from __future__ import annotations

import hashlib
import hmac
import time


class BadSignature(Exception):
    pass


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(
    secret: str,
    timestamp_header: str | None,
    signature_header: str | None,
    body: bytes,
    tolerance_s: int,
    now: float | None = None,
) -> None:
    if not timestamp_header or not signature_header:
        raise BadSignature("missing X-Active-Timestamp or X-Active-Signature header")
    try:
        timestamp = int(timestamp_header)
    except ValueError:
        raise BadSignature("X-Active-Timestamp is not a unix timestamp") from None
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_s:
        raise BadSignature("timestamp outside the allowed window")
    expected = sign(secret, timestamp, body)
    offered = [part.strip() for part in signature_header.split(",")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise BadSignature("signature does not match")
