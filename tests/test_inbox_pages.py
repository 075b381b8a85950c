"""The inbox pages over real HTTP: who may see and act, filters and search, a
staff reply, take over and hand back, rating an AI reply, approving an edited
draft and denying one, the mode and sync controls, and escaping member text."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from db import control
from db.models import InboxConversation, InboxMessage
from devstack.seed import MANAGER, OPERATOR
from tests.inbox_helpers import a_member, decision, sent_to, start_sync, stored, write_in
from tests.stack import LocalStack, wait_for

HX = {"HX-Request": "true"}


@pytest.fixture
async def inbox(stack: LocalStack) -> LocalStack:
    await start_sync(stack)
    await stack.sandbox_admin("PUT", "/_sandbox/clubos/push", json={"enabled": True, "drop_rate": 0, "drop_next": 0})
    async with stack.db.transaction() as session:
        await control.set_inbox_mode(session, "auto", "tests")
    return stack


async def conversation_of(stack: LocalStack, member_id: str, text: str) -> tuple[str, str]:
    """A member writes in; returns (ClubOS message id, conversation id) once the sync stored it."""
    clubos_id = await write_in(stack, member_id, text)
    return clubos_id, (await stored(stack, clubos_id)).conversation_id


@pytest.mark.parametrize("email", [MANAGER[0], OPERATOR[0]])
async def test_pages_render_for_managers_and_operators(inbox: LocalStack, email: str) -> None:
    member = await a_member(inbox)
    clubos_id, conv = await conversation_of(inbox, member.id, "Do you sell protein shakes?")
    await decision(inbox, clubos_id)
    async with inbox.browser_session(email) as http:
        for path in (
            "/inbox",
            f"/inbox?c={conv}",
            "/inbox/list",
            "/inbox/metrics",
            "/inbox/controls",
            f"/inbox/thread/{conv}",
            f"/inbox/thread/{conv}/head",
            f"/inbox/thread/{conv}/messages",
        ):
            response = await http.get(path)
            assert response.status_code == 200, (path, response.text[:300])
        page = await http.get(f"/inbox?c={conv}")
        assert (await http.get("/inbox?c=nope")).status_code == 200  # says so inside the page
    assert member.name in page.text and "Do you sell protein shakes?" in page.text
    assert 'href="/inbox"' in page.text and "/static/css/inbox.css" in page.text
    assert ("Send reply" in page.text, ">Take over<" in page.text) == ((email == MANAGER[0]),) * 2
    assert ("Read-only" in page.text) is (email == OPERATOR[0])
    assert "Draft for staff" in page.text and "Suggested reply · not sent" in page.text  # a vague question
    assert ("Use this draft" in page.text) is (email == MANAGER[0])
    assert 'hx-post="/inbox/mode"' in page.text if email == MANAGER[0] else 'hx-post="/inbox/mode"' not in page.text


async def test_csms_are_refused(inbox: LocalStack) -> None:
    async with inbox.browser_session(inbox.sandbox.data.csms[0].email) as http:
        for path in ("/inbox", "/inbox/list", "/inbox/metrics", "/inbox/controls", "/inbox/thread/x"):
            response = await http.get(path)
            assert response.status_code == 403 and "manager or operator" in response.text, path
        refused = await http.post("/inbox/mode", data={"mode": "off"}, headers=HX)
    assert refused.status_code == 403 and refused.headers["HX-Retarget"] == "#flash"


async def test_operators_cannot_act(inbox: LocalStack) -> None:
    member = await a_member(inbox)
    _, conv = await conversation_of(inbox, member.id, "hello?")
    async with inbox.browser_session(OPERATOR[0]) as http:
        for path, data in (
            (f"/inbox/thread/{conv}/reply", {"body": "hi"}),
            (f"/inbox/thread/{conv}/takeover", {}),
            ("/inbox/sync", {"now": "true"}),
        ):
            response = await http.post(path, data=data, headers=HX)
            assert response.status_code == 403 and "needs the manager role" in response.text, path


async def test_filters_search_and_the_address_bar(inbox: LocalStack) -> None:
    member = await a_member(inbox)
    clubos_id, conv = await conversation_of(inbox, member.id, "My locker key snapped in the lock, it's broken")
    assert (await decision(inbox, clubos_id)).decision == "escalate"
    row = f'id="conv-{conv}"'
    async with inbox.browser_session(MANAGER[0]) as http:

        async def listed(**params: str) -> bool:
            return row in (await http.get("/inbox/list", params=params)).text

        assert await listed(q=member.name.split()[0].upper()) and await listed(q="locker key")
        assert not await listed(q="no such words anywhere")
        assert await listed(view="unread") and await listed(view="requires_response") and await listed(view="ai")
        assert not await listed(view="staff")
        assert await listed(tag="complaint") and not await listed(tag="refund")
        filtered = await http.get(
            "/inbox/list",
            params={"view": "unread", "q": "locker", "c": conv},
            headers={**HX, "HX-Trigger": "inbox-filters"},
        )
        assert filtered.headers["HX-Push-Url"] == f"/inbox?view=unread&q=locker&c={conv}"
        assert 'class="ib-row unread selected"' in filtered.text
        assert "HX-Push-Url" not in (await http.get("/inbox/list", headers={**HX, "HX-Trigger": "inbox-list"})).headers
        listing = (await http.get("/inbox/list", params={"q": "locker key"})).text
        assert "Needs reply" in listing and ">1<span" in listing.replace(" ", "")  # unread count
        thread = (await http.get(f"/inbox/thread/{conv}")).text
        assert "Escalated to staff" in thread and "complaints always go to a person" in thread
        assert "Offline assistant (no ANTHROPIC_API_KEY)" in thread  # never passed off as the model
        assert 'class="planner offline"' in thread and 'class="planner model"' not in thread
        assert f'hx-post="/inbox/thread/{conv}/read"' in thread  # opening marks it read
        assert (await http.post(f"/inbox/thread/{conv}/read", headers=HX)).status_code == 204
        assert not await listed(view="unread")
        assert f'/inbox/thread/{conv}/read"' not in (await http.get(f"/inbox/thread/{conv}")).text


async def test_reply_take_over_and_hand_back(inbox: LocalStack) -> None:
    member = await a_member(inbox)
    clubos_id, conv = await conversation_of(inbox, member.id, "The treadmill by the window is not working")
    await decision(inbox, clubos_id)
    async with inbox.browser_session(MANAGER[0]) as http:
        empty = await http.post(f"/inbox/thread/{conv}/reply", data={"body": "  "}, headers=HX)
        assert empty.status_code == 422 and "Write a reply first." in empty.text
        assert empty.headers["X-Renubu-Inline"] == "1"
        text = "Thanks for telling us! It's fixed by tonight."
        sent = await http.post(f"/inbox/thread/{conv}/reply", data={"body": text}, headers=HX)
        assert sent.status_code == 200 and "Sent." in sent.text and sent.headers["HX-Trigger"] == "inbox-changed"
        messages = (await http.get(f"/inbox/thread/{conv}/messages")).text
        assert escape(text) in messages and "Maria Lopez" in messages and "from-staff" in messages
        assert any(m["body"] == text for m in await sent_to(inbox, member.id))

        took = await http.post(f"/inbox/thread/{conv}/takeover", headers=HX)
        assert took.status_code == 200 and "AI will not answer here" in took.text and ">Hand back to AI<" in took.text
        assert "Staff handling" in took.text and f'id="conv-{conv}"' in (await http.get("/inbox/list?view=staff")).text
        later = await write_in(inbox, member.id, "what time do you open on Sunday?")
        assert "staff took over" in (await decision(inbox, later)).reason
        back = await http.post(f"/inbox/thread/{conv}/handback", headers=HX)
        assert back.status_code == 200 and "Handed back to the AI." in back.text and ">Take over<" in back.text
    async with inbox.db.session() as session:
        row = await session.get(InboxConversation, conv)
    assert row is not None and row.ai_handling


async def test_rate_an_ai_reply_and_the_average(inbox: LocalStack) -> None:
    member = await a_member(inbox)
    clubos_id, conv = await conversation_of(inbox, member.id, "what time do you open on Sunday?")
    assert (await decision(inbox, clubos_id)).decision == "auto_reply"
    async with inbox.db.session() as session:
        reply = await session.scalar(
            select(InboxMessage).where(InboxMessage.conversation_id == conv, InboxMessage.sent_by == "ai")
        )
        incoming = await stored(inbox, clubos_id)
    assert reply is not None
    async with inbox.browser_session(MANAGER[0]) as http:
        thread = (await http.get(f"/inbox/thread/{conv}/messages")).text
        assert (
            "AI auto-reply" in thread
            and "Answered by AI" in thread
            and f'hx-post="/inbox/messages/{reply.id}/rate"' in thread
        )
        rated = await http.post(f"/inbox/messages/{reply.id}/rate", data={"rating": "4"}, headers=HX)
        assert rated.status_code == 200 and rated.text.count("ib-star on") == 4 and "Your rating" in rated.text
        wrong = await http.post(f"/inbox/messages/{incoming.id}/rate", data={"rating": "5"}, headers=HX)
        assert wrong.status_code == 404 and "only replies sent by the AI can be rated" in wrong.text
        bad = await http.post(f"/inbox/messages/{reply.id}/rate", data={"rating": "9"}, headers=HX)
        assert bad.status_code == 422
        metrics = (await http.get("/inbox/metrics")).text
    assert "★ " in metrics and "AI reply rating" in metrics and "rated)" in metrics


async def test_approve_an_edited_draft_and_deny_another(inbox: LocalStack) -> None:
    member = await a_member(inbox)
    clubos_id, conv = await conversation_of(inbox, member.id, "I want to cancel")
    message = await stored(inbox, clubos_id)
    url = f"/inbox/drafts/{message.id}"
    async with inbox.browser_session(MANAGER[0]) as http:

        async def awaiting() -> str | None:
            card = (await http.get(url)).text
            return card if "Drafted reply awaiting approval" in card else None

        card = await wait_for(awaiting, 30, "the draft's approval request")
        assert "✓ Approve &amp; send" in card and "Edit before send" in card and "30 days" in card
        assert "Awaiting approval" in (await http.get("/inbox/list", params={"q": member.name})).text
        no_reason = await http.post(f"{url}/decide", data={"decision": "deny", "reason": " "}, headers=HX)
        assert no_reason.status_code == 409 and "a denial needs a reason" in no_reason.text
        pending = (await http.get("/api/approvals")).json()
        draft = next(a for a in pending if a["workflow_id"] == f"triage-{clubos_id}")["editable"]["body"]
        for blank_or_same, says in ((" ", "The edited text is empty"), (draft, "Nothing was changed")):
            refused = await http.post(f"{url}/decide", data={"decision": "edited", "body": blank_or_same}, headers=HX)
            assert refused.status_code == 422 and says in refused.text, refused.text  # never sent as the draft
        edited = "Sorry to see you go! Maria will call you today to sort it out."
        approved = await http.post(f"{url}/decide", data={"decision": "edited", "body": edited}, headers=HX)
        assert approved.status_code == 200, approved.text
        assert (
            "Approved: the reply is being sent." in approved.text
            and "Approved by maria.lopez@renubu.demo with edits" in approved.text
        )
        await wait_for(lambda: _sent(inbox, member.id, edited), 20, "the edited reply")
        d = await decision(inbox, clubos_id)
        assert "approved by" in d.reason
        messages = (await http.get(f"/inbox/thread/{conv}/messages")).text
        assert "AI draft · approved by Maria Lopez" in messages and escape(edited) in messages

        second = await write_in(inbox, member.id, "please refund my last payment")
        refund = await stored(inbox, second)

        async def refund_card() -> str | None:
            card = (await http.get(f"/inbox/drafts/{refund.id}")).text
            return card if "awaiting approval" in card else None

        await wait_for(refund_card, 30, "the refund draft")
        denied = await http.post(
            f"/inbox/drafts/{refund.id}/decide", data={"decision": "deny", "reason": "I'll call them"}, headers=HX
        )
        assert (
            denied.status_code == 200
            and "Denied: nothing was sent." in denied.text
            and "I&#39;ll call them" in denied.text
        )
    assert "Denied" in (await decision(inbox, second)).reason
    assert not await _sent(inbox, member.id, "refund")


async def _sent(stack: LocalStack, member_id: str, text: str) -> bool:
    return any(text in m["body"] for m in await sent_to(stack, member_id))


async def test_mode_switch_and_sync_controls(inbox: LocalStack) -> None:
    async with inbox.browser_session(MANAGER[0]) as http:
        try:
            suggest = await http.post("/inbox/mode", data={"mode": "suggest"}, headers=HX)
            assert suggest.status_code == 200 and "Suggest mode" in suggest.text
            assert 'aria-pressed="true">Suggest<' in suggest.text
            async with inbox.db.session() as session:
                assert await control.inbox_mode(session) == "suggest"
            assert (await http.post("/inbox/mode", data={"mode": "sometimes"}, headers=HX)).status_code == 422
        finally:
            await http.post("/inbox/mode", data={"mode": "auto"}, headers=HX)
        bad = await http.post("/inbox/sync", data={"seconds": "0"}, headers=HX)
        assert bad.status_code == 422 and "Poll interval" in bad.text
        set_ = await http.post("/inbox/sync", data={"seconds": "2"}, headers=HX)
        assert set_.status_code == 200 and "polled every 2 s" in set_.text and "every <b>2 s</b>" in set_.text
        now = await http.post("/inbox/sync", data={"now": "true"}, headers=HX)
        assert now.status_code == 200 and "Syncing with ClubOS now." in now.text
        await http.post("/inbox/sync", data={"seconds": "1"}, headers=HX)


async def test_member_text_is_escaped(inbox: LocalStack) -> None:
    member = await a_member(inbox)
    attack = '<script>alert("x")</script><img src=x onerror="alert(1)"> hello'
    clubos_id, conv = await conversation_of(inbox, member.id, attack)
    await decision(inbox, clubos_id)
    async with inbox.browser_session(MANAGER[0]) as http:
        for path in (f"/inbox?c={conv}", f"/inbox/thread/{conv}", "/inbox/list"):
            text = (await http.get(path)).text
            assert "<script>alert" not in text and "<img src=x" not in text, path
            assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text, path
