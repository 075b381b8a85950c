"""A manager keeps the inbox open in headless Chromium while a member writes in
the sandbox: each message, the AI's decision and reply, the drafted reply that
waits for approval (approved with an edit in the browser) and the opt-out all
arrive live, without a reload and without losing a half-typed reply. The same
pages at phone width do not overflow."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from db import control
from db.models import Suppression
from devstack.seed import DEMO_PASSWORD, MANAGER
from tests.browser import ARTIFACTS, chromium, login, screenshot
from tests.inbox_helpers import a_member, sent_to, start_sync, write_in
from tests.stack import LocalStack, wait_for

pytestmark = pytest.mark.browser


async def live_page(page: Page, url: str) -> None:
    await page.goto(url)
    await page.wait_for_selector("body[data-live-state=open]")
    await page.evaluate("window.notReloaded = true")


async def test_member_messages_arrive_live_and_a_draft_is_approved_in_the_browser(stack: LocalStack) -> None:
    await start_sync(stack)
    await stack.sandbox_admin("PUT", "/_sandbox/clubos/push", json={"enabled": True, "drop_rate": 0, "drop_next": 0})
    async with stack.db.transaction() as session:
        await control.set_inbox_mode(session, "auto", "tests")
    member = await a_member(stack)
    conv = f"CV{member.id.removeprefix('M')}"  # the sandbox's conversation per member

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await login(page, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        await live_page(page, f"{stack.api_url}/inbox")

        # A question: the conversation appears in the open list, already answered by the AI.
        await write_in(stack, member.id, "what time do you open on Sunday?")
        row = page.locator(f"#conv-{conv}")
        await expect(row).to_be_visible()
        await expect(row.locator(".ib-preview")).to_contain_text("Sunday 10am-2pm")
        await row.click()
        await expect(page).to_have_url(f"{stack.api_url}/inbox?c={conv}")
        thread = page.locator("#inbox-thread .ib-thread")
        question = thread.locator(".ib-msg.in").last
        await expect(question.locator(".ib-bubble")).to_have_text("what time do you open on Sunday?")
        await expect(question.locator(".ib-ai")).to_contain_text("Answered by AI")
        await expect(question.locator(".planner")).to_have_text("Offline assistant (no ANTHROPIC_API_KEY)")
        answer = thread.locator(".ib-msg.from-ai").last
        await expect(answer.locator(".ib-sender")).to_have_text("AI auto-reply")
        await answer.get_by_role("button", name="5 of 5").click()
        await expect(answer.locator(".ib-star.on")).to_have_count(5)
        await expect(page.locator("#inbox-metrics .ib-rating-avg")).not_to_contain_text("—")
        await expect(row).not_to_contain_text("unread")  # opening it marked it read

        # A cancellation, while the manager has started typing a reply: it escalates with a draft.
        reply_box = thread.locator(".ib-reply textarea")
        await reply_box.fill("Half-typed answer")
        await write_in(stack, member.id, "I want to cancel")
        cancel = thread.locator(".ib-msg.in", has_text="I want to cancel")
        await expect(cancel).to_be_visible()
        await expect(cancel.locator(".ib-ai")).to_contain_text("Needs approval")
        draft = cancel.locator(".ib-draft")
        await expect(draft).to_contain_text("Drafted reply awaiting approval")
        await expect(reply_box).to_have_value("Half-typed answer")
        await expect(row.locator(".ib-badge.approval")).to_be_visible()
        await page.evaluate("window.scrollTo(0, 0)")
        await screenshot(page, "inbox-draft-awaiting-approval")

        edited = "Sorry to see you go! Maria will call you today to sort out your cancellation."
        await draft.get_by_role("button", name="Edit before send").click()
        await draft.locator("textarea[name=body]").fill(edited)
        await draft.get_by_role("button", name="Approve & send this").click()
        await expect(draft).to_contain_text("Approved by maria.lopez@renubu.demo with edits")
        sent = thread.locator(".ib-msg.from-ai", has_text=edited)
        await expect(sent.locator(".ib-sender")).to_have_text("AI draft · approved by Maria Lopez")
        await expect(reply_box).to_have_value("Half-typed answer")

        # STOP: the member is suppressed and gets one confirmation, shown live.
        await write_in(stack, member.id, "STOP")
        head = thread.locator(".ib-head")
        await expect(head.locator(".ib-badge.optout")).to_contain_text("Opted out")
        await expect(thread.locator(".ib-msg.in", has_text="STOP").locator(".ib-ai")).to_contain_text("Opted out")
        await expect(thread.locator(".ib-msg.from-ai").last.locator(".ib-sender")).to_have_text(
            "AI · opt-out confirmation"
        )
        await expect(row.locator(".ib-badge.optout")).to_be_visible()
        await expect(row.locator(".ib-badge.approval")).to_have_count(0)
        assert await page.evaluate("window.notReloaded === true")
        await page.evaluate("window.scrollTo(0, 0)")
        await thread.locator(".ib-messages").evaluate("list => { list.scrollTop = list.scrollHeight; }")
        await screenshot(page, "inbox-desktop")
        await page.locator(".ib-layout").evaluate("layout => window.scrollTo(0, layout.offsetTop - 12)")
        await thread.locator(".ib-messages").evaluate("list => { list.scrollTop = list.scrollHeight; }")
        await page.screenshot(path=ARTIFACTS / "inbox-desktop-viewport.png")  # the panes as they stick

        phone = await browser.new_page(viewport={"width": 390, "height": 844})
        await login(phone, stack.api_url, MANAGER[0], DEMO_PASSWORD)
        for path, name in (("/inbox", "inbox-phone-list"), (f"/inbox?c={conv}", "inbox-phone-thread")):
            await phone.goto(f"{stack.api_url}{path}")
            await phone.wait_for_load_state("networkidle")
            overflow = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} overflows by {overflow}px at 390px"
            await screenshot(phone, name)
        await expect(phone.locator(".ib-side")).to_be_hidden()
        await phone.get_by_role("link", name="← Conversations").click()
        await expect(phone.locator(f"#conv-{conv}")).to_be_visible()
        await phone.screenshot(path=ARTIFACTS / "inbox-phone-viewport.png")

    replies = [m["body"] for m in await sent_to(stack, member.id)]
    assert edited in replies and len(replies) == 3  # the answer, the approved edit, the opt-out confirmation
    await wait_for(lambda: _suppressed(stack, member.id), 5, "the suppression")


async def _suppressed(stack: LocalStack, member_id: str) -> bool:
    async with stack.db.session() as session:
        return bool(await session.scalar(select(Suppression.id).where(Suppression.member_id == member_id)))
