"""The sandbox web page: renders every tab, escapes untrusted values, and its forms drive the sandbox."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.state import SandboxState
from sandbox.testing import ADMIN, WebhookRecorder, make_settings, salesforce_headers, sandbox_client

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def receiver() -> WebhookRecorder:
    return WebhookRecorder()


@pytest.fixture
def app(receiver: WebhookRecorder) -> FastAPI:
    return create_app(make_settings(), webhook_transport=receiver.transport)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


def state_of(app: FastAPI) -> SandboxState:
    state: SandboxState = app.state.sandbox
    return state


async def test_accounts_tab(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<title>Renubu sandbox</title>" in html
    assert "Acme Corp" in html and "$184,000" in html and "Sarah Chen" in html
    assert "Page 1 of 10" in html
    assert (await client.get("/static/sandbox.css")).status_code == 200


async def test_search_and_paging(client: httpx.AsyncClient) -> None:
    html = (await client.get("/", params={"q": "acme"})).text
    assert "Acme Corp" in html and "1 account," in html
    assert "No accounts match." in (await client.get("/", params={"q": "zzz-nothing"})).text
    last = (await client.get("/", params={"page": 10})).text
    assert "Page 10 of 10" in last and "Next" not in last


async def test_account_names_are_escaped(client: httpx.AsyncClient) -> None:
    response = await client.patch(
        "/_sandbox/salesforce/accounts/acme-corp", json={"name": f"{SCRIPT} Corp"}, headers=ADMIN
    )
    assert response.json()["Name"] == f"{SCRIPT} Corp"
    html = (await client.get("/", params={"q": "alert"})).text
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Corp" in html


async def test_task_and_event_values_are_escaped(
    client: httpx.AsyncClient, app: FastAPI, receiver: WebhookRecorder
) -> None:
    settings = state_of(app).settings
    auth = await salesforce_headers(client, settings)
    task = {"Subject": SCRIPT, "Description": "<b>bold</b>", "Renubu_Key__c": "<k>"}
    await client.post("/salesforce/services/data/v60.0/sobjects/Task", json=task, headers=auth)
    html = (await client.get("/", params={"tab": "tasks"})).text
    assert SCRIPT not in html and "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&lt;k&gt;" in html


@pytest.mark.parametrize("tab", ["signals", "deliveries", "tasks", "faults", "unknown"])
async def test_every_tab_renders(client: httpx.AsyncClient, tab: str) -> None:
    response = await client.get("/", params={"tab": tab})
    assert response.status_code == 200
    assert "Renubu sandbox" in response.text


async def test_send_signal_form(client: httpx.AsyncClient, app: FastAPI, receiver: WebhookRecorder) -> None:
    form = {
        "customer_id": "acme-corp",
        "type": "customer.risk_signal",
        "risk_score": "88",
        "renewal_in_days": "5",
        "usage_change_pct": "",
        "notes": "Exec sponsor left",
    }
    response = await client.post("/ui/emit", data=form)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/?tab=signals&msg=Sent+evt_")
    await state_of(app).webhooks.wait_idle()
    signals = json.loads(receiver.requests[0].content)["signals"]
    assert (signals["risk_score"], signals["notes"], signals["usage_change_pct"]) == (
        88,
        "Exec sponsor left",
        -23.0,
    )

    page = (await client.get("/", params={"tab": "signals"})).text
    event_id = json.loads(receiver.requests[0].content)["event_id"]
    assert f'action="/ui/redeliver/{event_id}"' in page
    assert (await client.post(f"/ui/redeliver/{event_id}")).status_code == 303
    await state_of(app).webhooks.wait_idle()
    assert len(receiver.requests) == 2
    deliveries = (await client.get("/", params={"tab": "deliveries"})).text
    assert event_id in deliveries and "delivered" in deliveries


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"customer_id": "nope"}, "unknown+customer"),
        ({"customer_id": "acme-corp", "risk_score": "300"}, "Not+sent"),
    ],
)
async def test_send_signal_form_rejections(client: httpx.AsyncClient, form: dict[str, str], message: str) -> None:
    response = await client.post("/ui/emit", data=form)
    assert response.status_code == 303 and message in response.headers["location"]


async def test_fault_forms(client: httpx.AsyncClient) -> None:
    form = {"error_rate": "0.25", "error_status": "503", "fail_next": "2", "latency_ms": ""}
    response = await client.post("/ui/faults/salesforce", data=form)
    assert response.status_code == 303
    faults = (await client.get("/_sandbox/faults", headers=ADMIN)).json()["salesforce"]
    assert (faults["error_rate"], faults["fail_next"], faults["latency_ms"]) == (0.25, 2, 0)
    assert 'value="0.25"' in (await client.get("/", params={"tab": "faults"})).text
    bad = await client.post("/ui/faults/salesforce", data={"error_rate": "7"})
    assert "Not+saved" in bad.headers["location"]
    await client.post("/ui/faults-reset")
    assert (await client.get("/_sandbox/faults", headers=ADMIN)).json()["salesforce"]["fail_next"] == 0


async def test_form_posts_must_be_same_origin(client: httpx.AsyncClient) -> None:
    response = await client.post("/ui/faults-reset", headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    same = await client.post("/ui/faults-reset", headers={"Origin": "http://sandbox"})
    assert same.status_code == 303


async def test_form_posts_must_come_from_this_machine(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as remote:
        assert (await remote.post("/ui/faults-reset")).status_code == 403
        assert (await remote.get("/")).status_code == 200
