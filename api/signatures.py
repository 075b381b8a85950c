"""HMAC signatures on inbound webhooks: `<prefix>-Signature: v1=<hex>` over
`<timestamp>.<raw body>`, with `<prefix>-Timestamp` inside a tolerance window so a
captured request cannot be replayed later. Each sender has its own prefix
(`X-Active`, `X-ClubOS`, `X-Renubu`), and errors name that sender's headers."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping

from fastapi import HTTPException, Request

log = logging.getLogger("renubu.webhooks")


class BadSignature(Exception):
    pass


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance_s: int,
    now: float | None = None,
    *,
    prefix: str,
) -> None:
    """`prefix` names the sender's headers: "X-ClubOS" for X-ClubOS-Timestamp and X-ClubOS-Signature
    (`headers` is case-insensitive, as Starlette's and httpx's are)."""
    ts_name, sig_name = f"{prefix}-Timestamp", f"{prefix}-Signature"
    timestamp_header, signature_header = headers.get(ts_name), headers.get(sig_name)
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
        verify(secret, request.headers, body, tolerance_s, prefix=prefix)
    except BadSignature as exc:
        log.warning("rejected %s webhook: %s", prefix, exc)
        raise HTTPException(401, f"invalid signature: {exc}") from exc
