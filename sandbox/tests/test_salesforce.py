"""The Salesforce REST stand-in over HTTP: OAuth, sessions, query paging, Task writes."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.settings import SandboxSettings
from sandbox.testing import ADMIN, make_settings, salesforce_headers, sandbox_client

DATA = "/salesforce/services/data/v60.0"


@pytest.fixture
def settings() -> SandboxSettings:
    return make_settings()


@pytest.fixture
def app(settings: SandboxSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


@pytest.fixture
async def auth(client: httpx.AsyncClient, settings: SandboxSettings) -> dict[str, str]:
    return await salesforce_headers(client, settings)


async def soql(client: httpx.AsyncClient, auth: dict[str, str], query: str, **headers: str) -> httpx.Response:
    return await client.get(f"{DATA}/query", params={"q": query}, headers={**auth, **headers})


# --- OAuth and sessions ----------------------------------------------------------------------


async def test_token_grant(client: httpx.AsyncClient, settings: SandboxSettings) -> None:
    response = await client.post(
        "/salesforce/services/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "test-client", "client_secret": "test-secret"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == "http://sandbox/salesforce"
    assert body["access_token"].startswith("00D")
    issued_at = int(body["issued_at"]) / 1000
    assert abs(issued_at - datetime.now(UTC).timestamp()) < 60
    expected = hmac.new(b"test-secret", (body["id"] + body["issued_at"]).encode(), hashlib.sha256).digest()
    assert body["signature"] == base64.b64encode(expected).decode()


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (
            {"grant_type": "client_credentials", "client_id": "test-client", "client_secret": "wrong"},
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "other", "client_secret": "test-secret"},
            "invalid_client",
        ),
        ({"grant_type": "client_credentials"}, "invalid_client"),
        (
            {"grant_type": "password", "client_id": "test-client", "client_secret": "test-secret"},
            "unsupported_grant_type",
        ),
    ],
)
async def test_token_grant_rejections(client: httpx.AsyncClient, form: dict[str, str], error: str) -> None:
    response = await client.post("/salesforce/services/oauth2/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["error_description"]


INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
async def test_data_api_needs_a_valid_session(client: httpx.AsyncClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.get(f"{DATA}/query", params={"q": "SELECT Id FROM Account"}, headers=headers)
    assert response.status_code == 401
    assert response.json() == INVALID_SESSION


async def test_tokens_expire_when_the_lifetime_is_shortened(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    assert (await soql(client, auth, "SELECT Id FROM User")).status_code == 200
    response = await client.put("/_sandbox/salesforce/token-ttl", json={"ttl_s": 0}, headers=ADMIN)
    assert response.json() == {"ttl_s": 0}
    expired = await soql(client, auth, "SELECT Id FROM User")
    assert (expired.status_code, expired.json()) == (401, INVALID_SESSION)
    await client.put("/_sandbox/salesforce/token-ttl", json={"ttl_s": 7200}, headers=ADMIN)
    assert (await soql(client, auth, "SELECT Id FROM User")).status_code == 200


async def test_revoking_tokens(client: httpx.AsyncClient, auth: dict[str, str], settings: SandboxSettings) -> None:
    response = await client.post("/_sandbox/salesforce/revoke-tokens", headers=ADMIN)
    assert response.json() == {"revoked": 1}
    assert (await soql(client, auth, "SELECT Id FROM User")).status_code == 401
    fresh = await salesforce_headers(client, settings)
    assert (await soql(client, fresh, "SELECT Id FROM User")).status_code == 200


async def test_admin_api_needs_the_admin_header(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"X-Sandbox-Admin": "wrong"}):
        response = await client.post("/_sandbox/salesforce/revoke-tokens", headers=headers)
        assert response.status_code == 401


# --- queries -----------------------------------------------------------------------------------


async def test_query_pages_through_all_accounts(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    first = (await soql(client, auth, "SELECT Id, Name FROM Account")).json()
    assert (first["totalSize"], first["done"], len(first["records"])) == (240, False, 200)
    assert first["nextRecordsUrl"].startswith("/services/data/v60.0/query/01g")
    second = (await client.get("/salesforce" + first["nextRecordsUrl"], headers=auth)).json()
    assert (second["totalSize"], second["done"], len(second["records"])) == (240, True, 40)
    assert "nextRecordsUrl" not in second
    ids = {r["Id"] for r in first["records"] + second["records"]}
    assert len(ids) == 240


@pytest.mark.parametrize(("option", "sizes"), [("batchSize=500", [500, 348]), ("batchSize=50", [200] * 4 + [48])])
async def test_batch_size_header(
    client: httpx.AsyncClient, auth: dict[str, str], option: str, sizes: list[int]
) -> None:
    page = (await soql(client, auth, "SELECT Id FROM Contact", **{"Sforce-Query-Options": option})).json()
    seen = [len(page["records"])]
    while not page["done"]:
        page = (await client.get("/salesforce" + page["nextRecordsUrl"], headers=auth)).json()
        seen.append(len(page["records"]))
    assert seen == sizes


async def test_unknown_query_locator(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.get(f"{DATA}/query/01gDn000000000AAAA-200", headers=auth)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("SELECT Id FROM Account WHERE", "MALFORMED_QUERY"),
        ("", "MALFORMED_QUERY"),
        ("SELECT Nope FROM Account", "INVALID_FIELD"),
        ("SELECT Id FROM Widget", "INVALID_TYPE"),
    ],
)
async def test_query_errors_use_salesforce_shape(
    client: httpx.AsyncClient, auth: dict[str, str], query: str, code: str
) -> None:
    response = await soql(client, auth, query)
    assert response.status_code == 400
    [error] = response.json()
    assert error["errorCode"] == code and error["message"]


async def test_any_api_version_is_accepted(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.get(
        "/salesforce/services/data/v58.0/query", params={"q": "SELECT COUNT() FROM User"}, headers=auth
    )
    assert response.json() == {"totalSize": 9, "done": True, "records": []}
    bad = await client.get("/salesforce/services/data/latest/query", params={"q": "SELECT Id FROM User"}, headers=auth)
    assert bad.status_code == 404 and bad.json()[0]["errorCode"] == "NOT_FOUND"


async def test_read_records_by_id_and_external_id(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    account = (await client.get(f"{DATA}/sobjects/Account/Customer_Key__c/acme-corp", headers=auth)).json()
    assert account["Name"] == "Acme Corp" and account["attributes"]["type"] == "Account"
    same = (await client.get(f"{DATA}/sobjects/account/{account['Id'][:15]}", headers=auth)).json()
    assert same == account
    missing = await client.get(f"{DATA}/sobjects/Account/001Dn000000000AAAA", headers=auth)
    assert missing.status_code == 404 and missing.json()[0]["errorCode"] == "NOT_FOUND"


# --- Tasks -------------------------------------------------------------------------------------


async def acme_id(client: httpx.AsyncClient, auth: dict[str, str]) -> str:
    response = await soql(client, auth, "SELECT Id FROM Account WHERE Customer_Key__c = 'acme-corp'")
    return str(response.json()["records"][0]["Id"])


async def test_create_and_read_a_task(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    what_id = await acme_id(client, auth)
    due = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    body = {"WhatId": what_id, "Subject": "Call Acme about renewal", "ActivityDate": due, "Priority": "High"}
    created = await client.post(f"{DATA}/sobjects/Task", json=body, headers=auth)
    assert created.status_code == 201
    assert created.json()["success"] is True and created.json()["errors"] == []
    task_id = created.json()["id"]
    assert task_id.startswith("00T") and len(task_id) == 18
    task = (await client.get(f"{DATA}/sobjects/Task/{task_id}", headers=auth)).json()
    assert (task["Subject"], task["ActivityDate"], task["Status"], task["AccountId"]) == (
        "Call Acme about renewal",
        due,
        "Not Started",
        what_id,
    )
    queried = await soql(client, auth, f"SELECT Id, Owner.Name FROM Task WHERE WhatId = '{what_id}'")
    assert queried.json()["records"][0]["Owner"]["Name"] == "Renubu Integration"


async def test_upsert_by_renubu_key_is_idempotent(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    url = f"{DATA}/sobjects/Task/Renubu_Key__c/renewal-acme-2026-call"
    body = {"WhatId": await acme_id(client, auth), "Subject": "Renewal call"}
    first = await client.patch(url, json=body, headers=auth)
    assert first.status_code == 201 and first.json()["created"] is True
    second = await client.patch(url, json={**body, "Status": "Completed"}, headers=auth)
    assert second.status_code == 200
    assert second.json() == {"id": first.json()["id"], "success": True, "errors": [], "created": False}
    tasks = (await client.get("/_sandbox/salesforce/tasks", headers=ADMIN)).json()
    assert tasks["by_key"] == {"renewal-acme-2026-call": {"records": 1, "inserts": 1, "updates": 1}}
    assert tasks["records"][0]["Status"] == "Completed"


async def test_upsert_with_duplicate_keys_answers_multiple_choices(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    body = {"Subject": "Duplicate", "Renubu_Key__c": "dup"}
    for _ in range(2):
        assert (await client.post(f"{DATA}/sobjects/Task", json=body, headers=auth)).status_code == 201
    response = await client.patch(f"{DATA}/sobjects/Task/Renubu_Key__c/dup", json={"Subject": "x"}, headers=auth)
    assert response.status_code == 300
    assert len(response.json()) == 2
    stats = (await client.get("/_sandbox/stats", headers=ADMIN)).json()
    assert stats["tasks_by_key"]["dup"] == {"records": 2, "inserts": 2, "updates": 0}


async def test_update_task_by_id(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    task_id = (await client.post(f"{DATA}/sobjects/Task", json={"Subject": "a"}, headers=auth)).json()["id"]
    response = await client.patch(f"{DATA}/sobjects/Task/{task_id}", json={"Subject": "b"}, headers=auth)
    assert response.status_code == 204
    assert (await client.get(f"{DATA}/sobjects/Task/{task_id}", headers=auth)).json()["Subject"] == "b"


@pytest.mark.parametrize(
    ("body", "code", "fields"),
    [
        ({"Description": "no subject"}, "REQUIRED_FIELD_MISSING", ["Subject"]),
        ({"Subject": ""}, "REQUIRED_FIELD_MISSING", ["Subject"]),
        ({"Subject": "x", "WhatId": "001Dn000000000AAAA"}, "INVALID_CROSS_REFERENCE_KEY", ["WhatId"]),
        ({"Subject": "x", "WhatId": "not-an-id"}, "INVALID_CROSS_REFERENCE_KEY", ["WhatId"]),
        ({"Subject": "x", "OwnerId": "005Dn000000000AAAA"}, "INVALID_CROSS_REFERENCE_KEY", ["OwnerId"]),
        ({"Subject": "x", "Status": "Done-ish"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ["Status"]),
        ({"Subject": "x", "ActivityDate": "next week"}, "JSON_PARSER_ERROR", ["ActivityDate"]),
        ({"Subject": "x" * 256}, "STRING_TOO_LONG", ["Subject"]),
        ({"Subject": "x", "Bogus__c": 1}, "INVALID_FIELD", ["Bogus__c"]),
        ({"Subject": "x", "Id": "00T"}, "INVALID_FIELD_FOR_INSERT_UPDATE", ["Id"]),
    ],
)
async def test_task_validation(
    client: httpx.AsyncClient, auth: dict[str, str], body: dict[str, object], code: str, fields: list[str]
) -> None:
    response = await client.post(f"{DATA}/sobjects/Task", json=body, headers=auth)
    assert response.status_code == 400
    [error] = response.json()
    assert (error["errorCode"], error["fields"]) == (code, fields)
    assert error["message"]


async def test_task_body_must_be_a_json_object(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for content in (b"{not json", b"[1, 2]"):
        response = await client.post(
            f"{DATA}/sobjects/Task", content=content, headers={**auth, "Content-Type": "application/json"}
        )
        assert response.status_code == 400 and response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


async def test_upsert_rejects_a_conflicting_key_in_the_body(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.patch(
        f"{DATA}/sobjects/Task/Renubu_Key__c/a", json={"Subject": "x", "Renubu_Key__c": "b"}, headers=auth
    )
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_FIELD"
    unknown = await client.patch(f"{DATA}/sobjects/Task/Other__c/a", json={"Subject": "x"}, headers=auth)
    assert unknown.status_code == 404
