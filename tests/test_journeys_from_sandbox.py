"""Renubu's journeys fed by the sandbox as the outside world: a lead posted by the
website form (the sandbox's Leads tab) is enrolled, and "Mark opened" in its Mail
tab reaches the lead's journey as an engagement event."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.journey_helpers import enrollment, mail_to, new_lead, sends, speed_up, visits
from tests.stack import LocalStack, wait_for

FORM = {
    "first_name": "Robin",
    "last_name": "Lee",
    "source": "website",
    "timezone": "America/Chicago",
    "interest": "yoga",
}


def flash(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["msg"][0]


async def test_a_posted_lead_enrolls_in_renubus_journeys(stack: LocalStack) -> None:
    await speed_up(stack)
    email = f"lead-form-{uuid.uuid4().hex[:8]}@example.com"
    async with httpx.AsyncClient(base_url=stack.sandbox_url, timeout=30) as sandbox:
        sent = await sandbox.post("/ui/leads", data={**FORM, "email": email, "phone": "", "region": "California"})
        message = flash(sent)
    assert message.startswith("Sent to Renubu: HTTP 201, lead L") and "(new)" in message
    assert "welcome-series" in message and "geographic" in message
    lead_id = message.split("lead ")[1].split(" ")[0]
    assert (await enrollment(stack, "welcome-series", lead_id)).status == "active"


async def test_the_leads_journey_receives_the_opened_event(stack: LocalStack) -> None:
    await speed_up(stack)
    # The welcome series waits 2 days for an open; the event ends the wait at once, so a long day costs
    # nothing here, and a busy machine cannot let the wait run out before the test has clicked.
    stack.settings.journeys.time_scale = 120 / 86400
    lead_id = (await new_lead(stack))["lead_id"]

    async def welcome_mail() -> str | None:
        rows = await sends(stack, lead_id)
        mails = await mail_to(stack, rows[0].target) if rows else []
        return mails[0]["id"] if mails else None

    mail_id = await wait_for(welcome_mail, 20, "the welcome email in the mail view")
    async with httpx.AsyncClient(base_url=stack.sandbox_url) as sandbox:
        marked = await sandbox.post(f"/ui/mail/{mail_id}/opened")
        assert "delivered, HTTP 202" in flash(marked)
        tab = await sandbox.get("/", params={"tab": "mail"})
    row = tab.text.split(f'id="mail-{mail_id}"')[1].split("</tr>")[0]
    assert "opened:" in row and 'class="pill delivered"' in row

    async def decided() -> dict[str, str] | None:
        path = {v.step_id: v.outcome for v in await visits(stack, "welcome-series", lead_id)}
        return path if "did-they-open" in path else None

    path = await wait_for(decided, 30, "the welcome series to decide")
    assert path["wait-for-open"] == "opened arrived" and path["did-they-open"].startswith("-> wait-for-day-5")
    assert (await enrollment(stack, "welcome-series", lead_id)).status == "active"
