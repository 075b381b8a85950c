from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, str]:
    """Liveness for the stack launcher and load balancers; says nothing about data."""
    async with request.app.state.db.session() as session:
        await session.execute(text("SELECT 1"))
    return {"status": "ok"}
