"""The sandbox's Leads tab posts a lead like the club's website form: a signed
`POST /webhooks/lead` to Renubu, retried on a 5xx, with Renubu's answer (lead id,
journeys enrolled) shown on the page and in the admin API."""

from __future__ import annotations

import html
import json
import re
from collections import deque
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.lead_form import LeadFormIn
from sandbox.state import SandboxState
from sandbox.testing import ADMIN, check_signature, make_settings, sandbox_client

SECRET = "intake-test-secret"
URL = "http://renubu.test/webhooks/lead"
SCRIPT = "<script>alert('x')</script>"
FORM = {
    "first_name": "Robin",
    "last_name": SCRIPT,
    "email": "robin@example.com",
    "phone": "+14155550123",
    "source": "website",
    "region": "Texas",
    "timezone": "America/Chicago",
    "interest": "yoga",
}


class FakeRenubu:
    """Answers like `POST /webhooks/lead` (201, lead id, enrolments), or with the scripted error statuses first."""

    def __init__(self, *errors: int) -> None:
        self.errors = deque(errors)
        self.requests: list[httpx.Request] = []
        self.leads: dict[str, str] = {}
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.errors:
            return httpx.Response(self.errors.popleft(), json={"detail": "boom"})
        key = json.loads(request.content).get("email") or "?"
        created = key not in self.leads
        lead_id = self.leads.setdefault(key, f"L{len(self.leads) + 1:012d}")
        return httpx.Response(
            201, json={"lead_id": lead_id, "created": created, "enrolled": ["welcome-series"] if created else []}
        )


@pytest.fixture
def renubu() -> FakeRenubu:
    return FakeRenubu()


@pytest.fixture
async def app(renubu: FakeRenubu) -> AsyncIterator[FastAPI]:
    app = create_app(
        make_settings(lead_intake_url=URL, intake_webhook_secret=SECRET), webhook_transport=renubu.transport
    )
    yield app
    await state_of(app).shutdown()


def state_of(app: FastAPI) -> SandboxState:
    state: SandboxState = app.state.sandbox
    return state


def flash(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    assert location.path == "/" and parse_qs(location.query)["tab"] == ["leads"]
    return parse_qs(location.query)["msg"][0]


async def test_the_form_posts_a_signed_lead_and_shows_renubus_answer(app: FastAPI, renubu: FakeRenubu) -> None:
    async with sandbox_client(app) as client:
        tab = await client.get("/", params={"tab": "leads"})
        assert tab.status_code == 200 and 'action="/ui/leads"' in tab.text and URL in tab.text
        assert 'href="/?tab=leads"' in tab.text and "No leads posted yet." in tab.text
        sent = await client.post("/ui/leads", data=FORM)
        assert flash(sent) == "Sent to Renubu: HTTP 201, lead L000000000001 (new), enrolled in welcome-series"
        again = await client.post("/ui/leads", data={**FORM, "phone": "", "interest": ""})
        assert (
            flash(again)
            == "Sent to Renubu: HTTP 201, lead L000000000001 (already known, updated), enrolled in no journey"
        )
        tab = await client.get("/", params={"tab": "leads"})

    assert SCRIPT not in tab.text and "&lt;script&gt;alert(" in tab.text
    assert tab.text.count('class="pill delivered"') == 2 and "L000000000001" in tab.text
    assert "enrolled in welcome-series" in tab.text and "Texas" in tab.text

    first, second = renubu.requests
    assert str(first.url) == URL and first.headers["user-agent"] == "Sandbox-Lead-Form/1.0"
    check_signature(first, SECRET, "X-Renubu")
    assert json.loads(first.content) == {
        "first_name": "Robin",
        "last_name": SCRIPT,
        "email": "robin@example.com",
        "phone": "+14155550123",
        "source": "website",
        "region": "Texas",
        "timezone": "America/Chicago",
        "properties": {"interest": "yoga"},
    }
    assert json.loads(second.content)["properties"] == {} and "phone" not in json.loads(second.content)
    ids = [r.headers["x-renubu-event-id"] for r in renubu.requests]
    assert all(re.fullmatch(r"lead_[0-9a-f]{12}", i) for i in ids) and len(set(ids)) == 2


async def test_empty_fields_take_the_forms_defaults(app: FastAPI, renubu: FakeRenubu) -> None:
    async with sandbox_client(app) as client:
        sent = await client.post("/ui/leads", data={"email": "pat@example.com", "source": "", "timezone": ""})
    assert flash(sent).startswith("Sent to Renubu: HTTP 201")
    assert json.loads(renubu.requests[0].content) == {
        "first_name": "",
        "last_name": "",
        "email": "pat@example.com",
        "source": "website",
        "timezone": "America/New_York",
        "properties": {},
    }


async def test_invalid_form_input_is_not_sent(app: FastAPI, renubu: FakeRenubu) -> None:
    async with sandbox_client(app) as client:
        nobody = await client.post("/ui/leads", data={"first_name": "Robin"})
        assert flash(nobody) == "Not sent: form: give an email or a phone number"
        bad = await client.post("/ui/leads", data={"phone": "555-0123", "timezone": "Mars/Olympus"})
        assert flash(bad).startswith("Not sent: phone: String should match pattern")
        assert "timezone: unknown time zone 'Mars/Olympus'" in flash(bad)
        foreign = await client.post("/ui/leads", data=FORM, headers={"Origin": "http://evil.test"})
        assert foreign.status_code == 403
    assert renubu.requests == []


async def test_a_5xx_is_retried_and_the_table_shows_the_latest_attempt() -> None:
    renubu = FakeRenubu(503)
    app = create_app(
        make_settings(lead_intake_url=URL, intake_webhook_secret=SECRET), webhook_transport=renubu.transport
    )
    lead_form = state_of(app).lead_form
    lead_form.dispatcher.backoff_scale = 0  # retry at once
    async with sandbox_client(app) as client:
        sent = await client.post("/ui/leads", data=FORM)
        assert flash(sent).startswith("Not delivered to Renubu (retrying in 0 s): HTTP 503")
        await lead_form.dispatcher.wait_idle()
        listed = (await client.get("/_sandbox/leads", headers=ADMIN)).json()
        tab = await client.get("/", params={"tab": "leads"})
    await state_of(app).shutdown()

    first, second = renubu.requests
    assert first.content == second.content
    assert first.headers["x-renubu-event-id"] == second.headers["x-renubu-event-id"]
    check_signature(second, SECRET, "X-Renubu")
    row = listed["submissions"][0]
    assert row["delivery"]["attempt"] == 2 and row["delivery"]["outcome"] == "delivered"
    assert row["renubu"] == {"lead_id": "L000000000001", "created": True, "enrolled": ["welcome-series"]}
    assert 'class="pill delivered"' in tab.text and "attempt 2" in tab.text


async def test_a_refused_lead_reports_renubus_error() -> None:
    renubu = FakeRenubu(422)
    app = create_app(
        make_settings(lead_intake_url=URL, intake_webhook_secret=SECRET), webhook_transport=renubu.transport
    )
    async with sandbox_client(app) as client:
        sent = await client.post("/ui/leads", data=FORM)
        tab = await client.get("/", params={"tab": "leads"})
    await state_of(app).shutdown()
    assert flash(sent) == 'Not delivered to Renubu (failed): HTTP 422: {"detail":"boom"}'
    assert len(renubu.requests) == 1 and 'class="pill failed"' in tab.text


async def test_admin_api(app: FastAPI, renubu: FakeRenubu) -> None:
    async with sandbox_client(app) as client:
        assert (await client.post("/_sandbox/leads", json=FORM)).status_code == 401
        assert (await client.get("/_sandbox/leads")).status_code == 401
        for bad in (
            {"first_name": "Robin"},  # neither email nor phone
            {**FORM, "email": "not-an-email"},
            {**FORM, "phone": "+0123"},
            {**FORM, "timezone": "Nowhere/Town"},
            {**FORM, "properties": {"vip": True}},  # not a field of the form
        ):
            response = await client.post("/_sandbox/leads", json=bad, headers=ADMIN)
            assert response.status_code == 422, bad
        assert renubu.requests == []

        created = (await client.post("/_sandbox/leads", json={"phone": "+14155550199"}, headers=ADMIN)).json()
        assert created["event_id"].startswith("lead_") and created["payload"]["source"] == "website"
        assert created["delivery"]["status_code"] == 201 and created["delivery"]["outcome"] == "delivered"
        assert created["renubu"]["lead_id"] == "L000000000001"
        assert created["message"] == "Sent to Renubu: HTTP 201, lead L000000000001 (new), enrolled in welcome-series"
        await client.post("/_sandbox/leads", json=FORM, headers=ADMIN)
        listed = (await client.get("/_sandbox/leads", params={"limit": 1}, headers=ADMIN)).json()

    assert listed["intake_url"] == URL and listed["total"] == 2
    assert [row["payload"]["email"] for row in listed["submissions"]] == ["robin@example.com"]  # newest first


async def test_random_people_pass_the_forms_checks(app: FastAPI) -> None:
    async with sandbox_client(app) as client:
        tab = (await client.get("/", params={"tab": "leads"})).text
    people = json.loads(html.unescape(re.search(r"data-people='([^']*)'", tab).group(1)))  # type: ignore[union-attr]
    assert len(people) == 20
    for person in people:
        form = LeadFormIn.model_validate(person)
        assert form.email and form.email.endswith("@example.com") and form.phone and form.region
