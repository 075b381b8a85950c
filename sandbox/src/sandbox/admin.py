"""Header-protected admin API shared by all simulated services: faults, stats, reset."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandbox.faults import UnknownServiceError
from sandbox.guards import require_admin
from sandbox.state import SandboxState, get_state

router = APIRouter(prefix="/_sandbox", dependencies=[Depends(require_admin)], tags=["sandbox admin"])
State = Annotated[SandboxState, Depends(get_state)]


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int | None = Field(None, ge=0)


@router.get("/faults")
async def get_faults(state: State) -> dict[str, dict[str, Any]]:
    return state.faults.snapshot()


@router.put("/faults")
async def update_faults(body: dict[str, dict[str, Any]], state: State) -> dict[str, dict[str, Any]]:
    """Merge per-service settings, e.g. {"salesforce": {"fail_next": 3}}; others keep their value."""
    try:
        state.faults.update(body)
    except UnknownServiceError as exc:
        raise HTTPException(404, f"unknown service: {exc.args[0]}") from None
    except ValidationError as exc:
        raise HTTPException(422, exc.errors(include_url=False, include_context=False)) from None
    return state.faults.snapshot()


@router.delete("/faults")
async def reset_faults(state: State) -> dict[str, dict[str, Any]]:
    state.faults.reset()
    return state.faults.snapshot()


@router.get("/stats")
async def stats(state: State) -> dict[str, Any]:
    return {
        "requests": state.stats.snapshot(),
        "tasks_by_key": state.tasks.counts(),
        "deliveries": state.webhooks.summary(),
    }


@router.post("/reset")
async def reset(state: State, body: ResetRequest | None = None) -> dict[str, Any]:
    """Regenerate the seeded data (optionally with another seed) and clear counters and logs."""
    state.reset(body.seed if body else None)
    return {"seed": state.data.seed, "accounts": len(state.data.accounts)}
