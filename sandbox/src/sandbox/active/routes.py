"""Active's public API: paged customer list, customer detail and weekly usage, behind an API key."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from sandbox.active.signals import customer_summary, usage_report
from sandbox.errors import ServiceSpec
from sandbox.guards import service_guard
from sandbox.models import Account
from sandbox.state import SandboxState, get_state

ACTIVE = ServiceSpec(
    name="active",
    prefix="/active",
    error_body=lambda code, message: {"error": code, "message": message} if message else {"error": code},
    generic_errors={
        400: ("invalid_request", ""),
        401: ("unauthorized", ""),
        404: ("not_found", ""),
        405: ("method_not_allowed", ""),
        429: ("rate_limited", "Too many requests; retry later"),
        500: ("internal_error", "Internal server error"),
        503: ("service_unavailable", "Service temporarily unavailable"),
    },
)

State = Annotated[SandboxState, Depends(get_state)]


async def require_api_key(request: Request, state: State) -> None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    expected = state.settings.active_api_key.get_secret_value()
    if scheme.lower() != "bearer" or not secrets.compare_digest(key.strip().encode(), expected.encode()):
        raise ACTIVE.error(401, headers={"WWW-Authenticate": "Bearer"})


router = APIRouter(
    prefix="/active/api/v1",
    dependencies=[Depends(service_guard(ACTIVE.name)), Depends(require_api_key)],
)


def _account(state: SandboxState, customer_id: str) -> Account:
    account = state.data.account_by_key(customer_id)
    if account is None:
        raise ACTIVE.error(404)
    return account


@router.get("/customers")
async def list_customers(
    state: State,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    accounts = state.data.accounts
    start = (page - 1) * page_size
    has_more = start + page_size < len(accounts)
    return {
        "data": [customer_summary(account) for account in accounts[start : start + page_size]],
        "page": page,
        "page_size": page_size,
        "total": len(accounts),
        "next_page": page + 1 if has_more else None,
    }


@router.get("/customers/{customer_id}")
async def get_customer(state: State, customer_id: str) -> dict[str, Any]:
    return customer_summary(_account(state, customer_id))


@router.get("/customers/{customer_id}/usage")
async def get_usage(state: State, customer_id: str, weeks: Annotated[int, Query(ge=1, le=52)] = 12) -> dict[str, Any]:
    account = _account(state, customer_id)
    return usage_report(account, weeks, state.data.seed, datetime.now(UTC).date())
