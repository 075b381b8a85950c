"""HMAC signatures on inbound webhooks: `<prefix>-Signature: v1=<hex>` over
`<timestamp>.<raw body>`, with `<prefix>-Timestamp` inside a tolerance window so a
captured request cannot be replayed later. Each sender has its own prefix
(`X-Active`, `X-ClubOS`, `X-Renubu`), and errors name that sender's headers."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from fastapi import HTTPException, Request

log = logging.getLogger("renubu.webhooks")


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
    *,
    prefix: str,
) -> None:
    """`prefix` names the endpoint's headers in errors: "X-ClubOS" for X-ClubOS-Timestamp/-Signature."""
    ts_name, sig_name = f"{prefix}-Timestamp", f"{prefix}-Signature"
    if not timestamp_header or not signature_header:
        raise BadSignature(f"missing {ts_name} or {sig_name} header")
    try:
        timestamp = int(timestamp_header)
    except ValueError:
        raise BadSignature(f"{ts_name} is not a unix timestamp") from None
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_s:
        raise BadSignature("timestamp outside the allowed window")
    expected = sign(secret, timestamp, body)
    offered = [part.strip() for part in signature_header.split(",")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise BadSignature("signature does not match")


def check_request(request: Request, body: bytes, secret: str, tolerance_s: int, *, prefix: str) -> None:
    """`verify` on a request's own headers; a 401 that says what is wrong otherwise."""
    try:
        verify(
            secret,
            request.headers.get(f"{prefix}-Timestamp"),
            request.headers.get(f"{prefix}-Signature"),
            body,
            tolerance_s,
            prefix=prefix,
        )
    except BadSignature as exc:
        log.warning("rejected %s webhook: %s", prefix, exc)
        raise HTTPException(401, f"invalid signature: {exc}") from exc
