"""Idempotency ids for starts and decisions that come from the API: a request id sent with the form or JSON
(`request_id`) or as an `Idempotency-Key` header, so a double click or a retried POST starts or decides once.
Optional: without one a request behaves as before. The id becomes part of the workflow id of what it starts
(Temporal refuses a second start of it) or the update id of what it decides (Temporal answers a repeated
update id with the first one's outcome)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, HTTPException
from pydantic import Field

PATTERN = r"^[A-Za-z0-9._:-]{1,80}$"
DESCRIPTION = "an id of this request (e.g. a uuid made when the form was shown); a repeat starts or decides nothing"

# A field for request bodies, and the header alternative for routes.
RequestIdField = Annotated[str | None, Field(None, pattern=PATTERN, description=DESCRIPTION)]
IdempotencyHeader = Annotated[str | None, Header(alias="Idempotency-Key", pattern=PATTERN, description=DESCRIPTION)]


def request_id(body_id: str | None, header_id: str | None) -> str | None:
    """The body's id, else the header's; both given and different is a client error."""
    if body_id and header_id and body_id != header_id:
        raise HTTPException(422, "request_id and the Idempotency-Key header differ")
    return body_id or header_id
