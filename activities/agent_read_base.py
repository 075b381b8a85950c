"""What every read-only agent tool shares: its dependencies and how its result is kept (one row set per call,
stored for the UI and the CSV export, a preview for the model)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from clients.clubos import ClubOSClient
from contracts import campaign_tools as m
from db import agent_runs_store
from db.engine import Database

PREVIEW = 20


def today() -> datetime:
    return datetime.now(UTC)


class ReadToolBase:
    def __init__(self, clubos: ClubOSClient, db: Database) -> None:
        self.clubos, self.db = clubos, db

    async def _table(
        self,
        run_id: str,
        call_id: str,
        tool: str,
        summary: str,
        columns: list[str],
        rows: list[list[Any]],
        data: dict[str, Any] | None = None,
    ) -> m.ToolOutput:
        ref = f"{run_id}:{call_id}"
        async with self.db.transaction() as session:
            await agent_runs_store.save_tool_result(session, ref, run_id, tool, columns, rows)
        return m.ToolOutput(
            summary=summary,
            columns=columns,
            preview=rows[:PREVIEW],
            total_rows=len(rows),
            result_ref=ref,
            data=data or {},
        )
