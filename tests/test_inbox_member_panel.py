"""The member beside an inbox conversation: ClubOS facts (status, balance, days past due, door), opt-outs per
channel, open approvals about the member and the last agent actions that touched them, each linked."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from markupsafe import escape

from clients.clubos import ClubOSClient
from db import control
from devstack.seed import MANAGER, OPERATOR
from tests.inbox_helpers import a_member, decision, start_sync, stored, write_in
from tests.stack import LocalStack, wait_for


@pytest.fixture
async def inbox(stack: LocalStack) -> LocalStack:
    await start_sync(stack)
    await stack.sandbox_admin("PUT", "/_sandbox/clubos/push", json={"enabled": True, "drop_rate": 0, "drop_next": 0})
    async with stack.db.transaction() as session:
        await control.set_inbox_mode(session, "auto", "tests")
    return stack


async def test_the_panel_shows_the_member_as_clubos_and_our_records_know_them(inbox: LocalStack) -> None:
    member = await a_member(inbox)
    asked = await write_in(inbox, member.id, "I want to cancel my membership")
    conv = (await stored(inbox, asked)).conversation_id
    url = f"/inbox/thread/{quote(conv, safe='')}/member"
    async with inbox.browser_session(MANAGER[0]) as http:

        async def with_approval() -> str | None:
            panel = (await http.get(url)).text
            return panel if 'href="/approvals/' in panel else None

        panel = await wait_for(with_approval, 30, "the approval about the member")
        assert "Membership" in panel and escape(member.membership_type) in panel
        assert "SMS:\n" in panel or "SMS:" in panel
        assert "subscribed" in panel and "Door" in panel

        await decision(inbox, await write_in(inbox, member.id, "STOP"))
        panel = (await http.get(url)).text
        assert "<b>opted out</b>" in panel and 'href="/suppression"' in panel
        assert "Inbox reply" in panel and f'href="/inbox?c={quote(conv)}"' in panel  # the opt-out confirmation
    async with inbox.browser_session(OPERATOR[0]) as http:
        assert (await http.get(url)).status_code == 200  # staff read it too


async def test_a_past_due_member_shows_balance_days_and_door(inbox: LocalStack) -> None:
    async with ClubOSClient.from_settings(inbox.settings) as clubos:
        owing = await clubos.list_members(past_due=True, min_days_past_due=10)
    member = owing[-1]
    conv = (await stored(inbox, await write_in(inbox, member.id, "hello?"))).conversation_id
    async with inbox.browser_session(MANAGER[0]) as http:
        panel = (await http.get(f"/inbox/thread/{quote(conv, safe='')}/member")).text
    assert f"${member.amount_past_due:,.2f} past due" in panel and f"{member.days_past_due} days" in panel
    assert ("Locked" if member.door_access == "locked" else "Unlocked") in panel
