"""Bring a database to the newest schema (Alembic), from code."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from db.engine import make_engine

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def _config() -> Config:
    cfg = Config(str(ALEMBIC_INI))
    cfg.attributes["configure_logger"] = False
    return cfg


async def upgrade(url: str, revision: str = "head") -> None:
    engine = make_engine(url)
    cfg = _config()

    def _run(connection: object) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


def upgrade_sync(url: str) -> None:
    asyncio.run(upgrade(url))
