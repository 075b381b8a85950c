from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import DbDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(db: DbDep) -> dict[str, str]:
    """Liveness for the stack launcher and load balancers; says nothing about data."""
    async with db.session() as session:
        await session.execute(text("SELECT 1"))
    return {"status": "ok"}
