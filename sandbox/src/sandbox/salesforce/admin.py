"""Header-protected admin for the fake org: token lifetime, revocation, Task counters, account edits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from sandbox.guards import require_admin
from sandbox.salesforce.query import render_record
from sandbox.salesforce.schema import ACCOUNT, TASK
from sandbox.state import SandboxState, get_state

router = APIRouter(prefix="/_sandbox/salesforce", dependencies=[Depends(require_admin)], tags=["sandbox admin"])
State = Annotated[SandboxState, Depends(get_state)]


class TokenLifetime(BaseModel):
    ttl_s: float = Field(ge=0, le=30 * 24 * 3600)


class AccountChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=255)
    arr: float | None = Field(None, ge=0)
    account_plan: Literal["invest", "expand", "manage", "monitor"] | None = None
    renewal_date: date | None = None


@router.put("/token-ttl")
async def set_token_ttl(body: TokenLifetime, state: State) -> dict[str, float]:
    """Applies to tokens already issued too: 0 expires every token at once."""
    state.tokens.ttl_s = body.ttl_s
    return {"ttl_s": state.tokens.ttl_s}


@router.post("/revoke-tokens")
async def revoke_tokens(state: State) -> dict[str, int]:
    return {"revoked": state.tokens.revoke_all()}


@router.get("/tasks")
async def list_tasks(state: State) -> dict[str, Any]:
    version = state.settings.salesforce_api_version
    return {
        "total": len(state.data.tasks),
        "by_key": state.tasks.counts(),
        "records": [render_record(TASK, task, version) for task in state.data.tasks],
    }


@router.patch("/accounts/{customer_key}")
async def change_account(customer_key: str, body: AccountChanges, state: State) -> dict[str, Any]:
    """Edit an account as a Salesforce admin would, e.g. to set up a scenario."""
    account = state.data.account_by_key(customer_key)
    if account is None:
        raise HTTPException(404, f"no account with Customer_Key__c {customer_key!r}")
    now = datetime.now(UTC)
    if body.name is not None:
        account.name = body.name
    if body.arr is not None:
        account.arr = body.arr
    if body.account_plan is not None:
        account.plan = body.account_plan
    if body.renewal_date is not None:
        state.data.set_renewal_date(account, body.renewal_date, now)
    account.last_modified = now
    state.data.changed(account)
    return render_record(ACCOUNT, account, state.settings.salesforce_api_version)
