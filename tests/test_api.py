"""HTTP API: signatures, validation, authentication, roles, CSRF, escaping."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from contracts import ids
from devstack.seed import MANAGER, OPERATOR
from tests.stack import LocalStack

HOOK = "/webhooks/active/customer-update"


async def post_raw(stack: LocalStack, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        return await http.post(HOOK, content=body, headers=headers)


@pytest.mark.parametrize("tamper", ["bad_secret", "body_changed", "missing", "stale"])
async def test_webhook_signature_is_enforced(stack: LocalStack, tamper: str) -> None:
    if tamper == "bad_secret":
        body, headers = stack.webhook("acme-corp", risk=10, secret="wrong")
    elif tamper == "stale":
        body, headers = stack.webhook("acme-corp", risk=10, timestamp=int(time.time()) - 3600)
    else:
        body, headers = stack.webhook("acme-corp", risk=10)
        if tamper == "body_changed":
            body = body.replace(b'"risk_score": 10', b'"risk_score": 11')
        else:
            del headers["x-active-signature"]
    response = await post_raw(stack, body, headers)
    assert response.status_code == 401
    assert "signature" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "prefix"),
    [
        (HOOK, "X-Active"),
        ("/webhooks/lead", "X-Renubu"),
        ("/webhook/lead", "X-Renubu"),
        ("/webhooks/clubos/messages", "X-ClubOS"),
    ],
)
async def test_signature_errors_name_the_endpoints_own_headers(stack: LocalStack, path: str, prefix: str) -> None:
    others = {"X-Active", "X-Renubu", "X-ClubOS"} - {prefix}
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        missing = await http.post(path, content=b"{}", headers={"content-type": "application/json"})
        garbled = await http.post(
            path,
            content=b"{}",
            headers={
                "content-type": "application/json",
                f"{prefix}-Timestamp": "yesterday",
                f"{prefix}-Signature": "v1=00",
            },
        )
    assert missing.status_code == 401
    assert missing.json()["detail"] == f"invalid signature: missing {prefix}-Timestamp or {prefix}-Signature header"
    assert garbled.status_code == 401
    assert garbled.json()["detail"] == f"invalid signature: {prefix}-Timestamp is not a unix timestamp"
    assert not any(other in missing.text + garbled.text for other in others)


async def signed(stack: LocalStack, payload: dict[str, object]) -> httpx.Response:
    from api.signatures import sign

    body = json.dumps(payload).encode()
    ts = int(time.time())
    return await post_raw(
        stack,
        body,
        {
            "content-type": "application/json",
            "x-active-timestamp": str(ts),
            "x-active-signature": sign("test-webhook-secret", ts, body),
        },
    )


VALID = {
    "event_id": "evt_valid_0001",
    "type": "customer.risk_signal",
    "occurred_at": "2026-11-22T10:00:00Z",
    "customer": {"id": "acme-corp", "name": "Acme Corp"},
    "signals": {"risk_score": 50},
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signals": {"risk_score": 140}}, "risk_score"),
        ({"customer": {"id": "Acme Corp!", "name": "Acme"}}, "id"),
        ({"type": "customer.deleted"}, "type"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"surprise": 1}, "surprise"),
        ({"event_id": None}, "event_id"),
    ],
)
async def test_invalid_payload_gets_422_naming_the_field(
    stack: LocalStack, change: dict[str, object], field: str
) -> None:
    response = await signed(stack, {**VALID, **change})
    assert response.status_code == 422
    locations = [".".join(str(p) for p in e["loc"]) for e in response.json()["detail"]]
    assert any(field in loc for loc in locations), locations


# Not UTF-8, and nested deeper than the JSON parser recurses (both were 500s; schemathesis found the first).
@pytest.mark.parametrize("body", [b"{not json", b'A\x15\xb4!\xff"', b"[" * 60_000], ids=["syntax", "bytes", "deep"])
async def test_malformed_json_gets_422(stack: LocalStack, body: bytes) -> None:
    from api.signatures import sign

    ts = int(time.time())
    response = await post_raw(
        stack,
        body,
        {
            "content-type": "application/json",
            "x-active-timestamp": str(ts),
            "x-active-signature": sign("test-webhook-secret", ts, body),
        },
    )
    assert response.status_code == 422 and "invalid JSON" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/queue",
        "/team",
        "/analytics",
        "/customers/acme-corp",
        "/renewals/x",
        "/api/workflows/queue",
        "/api/analytics",
    ],
)
async def test_every_page_needs_a_login(stack: LocalStack, path: str) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        response = await http.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_wrong_password_is_refused(stack: LocalStack) -> None:
    with pytest.raises(AssertionError):
        async with stack.browser_session(MANAGER[0], password="nope"):
            pass


async def test_roles(stack: LocalStack) -> None:
    csm = stack.sandbox.data.csms[0].email
    other = stack.sandbox.data.csms[1].email
    async with stack.browser_session(csm) as http:
        assert (await http.get("/queue")).status_code == 200
        assert (await http.get("/team")).status_code == 403
        assert (await http.get("/analytics")).status_code == 403
        assert (await http.get(f"/api/workflows/queue?csm={other}")).status_code == 403
        assert (await http.post("/api/workflows/x/cancel", json={"reason": "no"})).status_code == 403
    async with stack.browser_session(OPERATOR[0]) as http:
        assert (await http.get("/team")).status_code == 200
        assert (await http.get("/analytics")).status_code == 200
        assert (await http.post("/api/workflows/x/reassign", json={"to_email": csm})).status_code == 403
    async with stack.browser_session(MANAGER[0]) as http:
        assert (await http.get("/team")).status_code == 200
        assert (await http.get(f"/queue?csm={csm}")).status_code == 200


async def test_csrf_token_required_for_cookie_writes(stack: LocalStack) -> None:
    async with stack.browser_session(MANAGER[0]) as http:
        del http.headers["X-CSRF-Token"]
        response = await http.post("/api/workflows/x/cancel", json={"reason": "x"})
    assert response.status_code == 403 and "CSRF" in response.text


async def test_api_body_validation_is_422(stack: LocalStack) -> None:
    async with stack.browser_session(MANAGER[0]) as http:
        response = await http.post("/api/workflows/x/complete", json={"outcome": "renewed", "confidence": "total"})
    assert response.status_code == 422 and "confidence" in response.text


async def test_untrusted_text_is_escaped_on_every_page(stack: LocalStack) -> None:
    key = stack.healthy_account(6)
    stack.set_account(key, renewal_in_days=12, name="<script>alert(1)</script> Evil Inc")
    assert (await stack.post_signal(key, risk=30)).status_code == 202
    wf_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(wf_id)
    async with stack.browser_session(MANAGER[0]) as http:
        pages = [
            await http.get(f"/queue?csm={row.assigned_to}"),
            await http.get(f"/renewals/{wf_id}"),
            await http.get(f"/customers/{key}"),
            await http.get("/team"),
        ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Evil Inc" in pages[1].text


async def test_api_key_authenticates_scripts(stack: LocalStack) -> None:
    from db import users

    async with stack.db.transaction() as session:
        manager = await users.by_email(session, MANAGER[0])
        assert manager is not None
        key = await users.create_api_key(session, manager, "test script")
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        ok = await http.get("/api/workflows/queue", headers={"X-API-Key": key})
        bad = await http.get("/api/workflows/queue", headers={"X-API-Key": key + "x"})
    assert ok.status_code == 200 and "workflows" in ok.json()
    assert bad.status_code == 401


async def test_campaign_inbox_and_analytics_json_keep_their_fields(stack: LocalStack) -> None:
    """Their response models document these answers; scripts read the same field names as before them (the
    agents' cards: tests/test_api_schema.py)."""
    from db import users

    async with stack.db.transaction() as session:
        manager = await users.by_email(session, MANAGER[0])
        assert manager is not None
        key = await users.create_api_key(session, manager, "field names")
    async with httpx.AsyncClient(base_url=stack.api_url, headers={"X-API-Key": key}, timeout=30) as http:
        tools, metrics, analytics = [
            (await http.get(path)).json() for path in ("/api/tools", "/api/inbox/metrics", "/api/analytics")
        ]
    assert tools and set(tools[0]) == {"name", "category", "description", "risk", "input_schema"}
    assert set(metrics) == {"decisions", "rating_average", "rated", "unread", "requires_response", "mode"}
    assert set(analytics) == {
        *("completed_today", "completed_total", "by_type", "outcomes", "completed_today_by_csm", "steps"),
        "closed",
    }
