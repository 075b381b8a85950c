"""The inbox's AI mode across an upgrade (issue 14), on SQLite and PostgreSQL: a new club starts in suggest
mode; a club whose assistant already ran in auto-pilot (the old, unstored default) keeps it; a stored choice
stays as it was."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from db import control
from db.engine import Database
from db.migrate import upgrade
from db.models import InboxAiDecision, InboxConversation, InboxMessage
from tests.conftest import _psql


@pytest.fixture(params=["sqlite", "postgresql"])
async def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'club.db'}"
        return
    name = f"renubu_mode_{uuid.uuid4().hex[:10]}"
    _psql(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def _mode(url: str) -> str:
    db = Database(url)
    try:
        async with db.session() as session:
            return await control.inbox_mode(session)
    finally:
        await db.dispose()


async def _triaged_before_the_upgrade(url: str, mode: str) -> None:
    """A message the old assistant triaged in `mode`, written against schema 0004 (no flags column yet)."""
    db = Database(url)
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            session.add(InboxConversation(id="CV1", member_id="M1", member_name="Jo", last_message_at=now, tags=[]))
            session.add(InboxMessage(id=1, conversation_id="CV1", direction="incoming", channel="sms", content="hi",
                                     sent_at=now))  # fmt: skip
            await session.flush()
            await session.execute(
                text(
                    "INSERT INTO inbox_ai_decisions (message_id, category, confidence, decision, reason, mode, source,"
                    " created_at) VALUES (1, 'question', 0.9, 'auto_reply', 'safe', :mode, 'Offline', :now)"
                ),
                {"mode": mode, "now": now},
            )
    finally:
        await db.dispose()


async def test_a_new_club_starts_in_suggest_mode(fresh_url: str) -> None:
    await upgrade(fresh_url)
    assert await _mode(fresh_url) == "suggest"


async def test_a_club_that_ran_on_auto_pilot_keeps_it(fresh_url: str) -> None:
    await upgrade(fresh_url, "0004")
    await _triaged_before_the_upgrade(fresh_url, "auto")
    await upgrade(fresh_url)
    assert await _mode(fresh_url) == "auto"
    db = Database(fresh_url)
    try:
        async with db.session() as session:
            decision = await session.get(InboxAiDecision, 1)
            assert decision is not None and decision.flags == []
            row = await session.get(control.ControlSetting, control.INBOX_MODE)
            assert row is not None and "kept auto-pilot" in row.updated_by
    finally:
        await db.dispose()


async def test_a_stored_choice_stays(fresh_url: str) -> None:
    await upgrade(fresh_url, "0004")
    await _triaged_before_the_upgrade(fresh_url, "auto")
    db = Database(fresh_url)
    try:
        async with db.transaction() as session:
            await control.set_inbox_mode(session, "off", "maria")
    finally:
        await db.dispose()
    await upgrade(fresh_url)
    assert await _mode(fresh_url) == "off"
