"""Plumbing shared by ClubOS's API routers: API-key auth, JSON bodies, paging, Idempotency-Key headers."""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from sandbox.clubos.idempotency import MAX_KEY_LENGTH
from sandbox.clubos.models import Member
from sandbox.clubos.service import ClubOS
from sandbox.clubos.spec import CLUBOS, clubos_error
from sandbox.guards import service_guard
from sandbox.state import get_state

MAX_PAGE_SIZE = 200
ModelT = TypeVar("ModelT", bound=BaseModel)
ItemT = TypeVar("ItemT")


def get_clubos(request: Request) -> ClubOS:
    return get_state(request).clubos


Club = Annotated[ClubOS, Depends(get_clubos)]
Page = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]


async def require_api_key(request: Request) -> None:
    expected = get_state(request).settings.clubos_api_key.get_secret_value()
    supplied = request.headers.get("X-Api-Key", "")
    if not secrets.compare_digest(supplied.encode(), expected.encode()):
        raise CLUBOS.error(401)


def api_router() -> APIRouter:
    """A router for /clubos/api/v1: latency, rate limit and faults first, then the API key."""
    return APIRouter(
        prefix="/clubos/api/v1",
        dependencies=[Depends(service_guard(CLUBOS.name)), Depends(require_api_key)],
        tags=["clubos"],
    )


def json_body(model: type[ModelT]) -> Callable[[Request], Awaitable[ModelT]]:
    """A dependency parsing the body into `model`. Unlike FastAPI's own body handling (400 in the
    sandbox), a well-formed body that breaks the rules is ClubOS's 422 validation_error."""

    async def parse(request: Request) -> ModelT:
        raw = await request.body()
        try:
            data = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise clubos_error(400, "invalid_json", "The request body is not valid JSON") from None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, error['loc'])) or 'body'}: {error['msg']}" for error in exc.errors()[:5]
            )
            raise clubos_error(422, "validation_error", problems) from None

    return parse


def _checked_key(key: str) -> str:
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise clubos_error(400, "invalid_idempotency_key", f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} characters")
    return key


async def required_idempotency_key(key: Annotated[str | None, Header(alias="Idempotency-Key")] = None) -> str:
    if key is None:
        raise clubos_error(400, "idempotency_key_required", "This endpoint needs an Idempotency-Key header")
    return _checked_key(key)


async def optional_idempotency_key(
    key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> str | None:
    return None if key is None else _checked_key(key)


RequiredKey = Annotated[str, Depends(required_idempotency_key)]
OptionalKey = Annotated[str | None, Depends(optional_idempotency_key)]


def paged(
    items: Sequence[ItemT], page: int, page_size: int, render: Callable[[ItemT], dict[str, Any]]
) -> dict[str, Any]:
    start = (page - 1) * page_size
    return {
        "data": [render(item) for item in items[start : start + page_size]],
        "page": page,
        "page_size": page_size,
        "total": len(items),
        "next_page": page + 1 if start + page_size < len(items) else None,
    }


def written(content: dict[str, Any], *, replayed: bool, status_code: int = 201) -> JSONResponse:
    """The answer to a write: `status_code` the first time, 200 with Idempotent-Replayed on a replay."""
    if replayed:
        return JSONResponse(content, 200, headers={"Idempotent-Replayed": "true"})
    return JSONResponse(content, status_code)


def member_or_404(club: ClubOS, member_id: str) -> Member:
    member = club.world.member(member_id)
    if member is None:
        raise CLUBOS.error(404, f"No member {member_id!r}")
    return member
