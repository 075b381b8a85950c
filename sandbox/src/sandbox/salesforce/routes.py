"""Salesforce REST endpoints: OAuth token, SOQL query with cursors, sObject reads and Task writes."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, Response

from sandbox.errors import ApiError, ServiceSpec
from sandbox.guards import service_guard
from sandbox.ids import to_18
from sandbox.salesforce.auth import token_signature
from sandbox.salesforce.query import QueryError, execute, record_attributes, render_record
from sandbox.salesforce.schema import find_record, sobject
from sandbox.salesforce.soql import parse
from sandbox.salesforce.soql_lexer import SoqlSyntaxError
from sandbox.salesforce.store import MultipleMatchesError, RecordError
from sandbox.state import SandboxState, get_state

PREFIX = "/salesforce"
DEFAULT_BATCH_SIZE = 200
MAX_BATCH_SIZE = 2000
TASK_KEY_FIELD = "Renubu_Key__c"  # the external id Renubu upserts Tasks by
_VERSION = re.compile(r"v\d{2,3}\.\d")


def _error_body(code: str, message: str) -> list[dict[str, str]]:
    return [{"message": message, "errorCode": code}]


def salesforce_error(status_code: int, code: str, message: str) -> ApiError:
    return ApiError(status_code, _error_body(code, message))


SALESFORCE = ServiceSpec(
    name="salesforce",
    prefix=PREFIX,
    error_body=_error_body,
    generic_errors={
        401: ("INVALID_SESSION_ID", "Session expired or invalid"),
        404: ("NOT_FOUND", "The requested resource does not exist"),
        405: ("METHOD_NOT_ALLOWED", "HTTP method not allowed for this resource"),
        429: ("REQUEST_LIMIT_EXCEEDED", "Too many requests; retry later"),
        500: (
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you contact support",
        ),
        503: ("SERVER_UNAVAILABLE", "Server temporarily unavailable"),
    },
)

State = Annotated[SandboxState, Depends(get_state)]


async def require_session(request: Request, state: State) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() not in ("bearer", "oauth") or not state.tokens.is_valid(token.strip()):
        raise SALESFORCE.error(401, headers={"WWW-Authenticate": 'Bearer realm="salesforce"'})


async def api_version(version: str) -> str:
    if not _VERSION.fullmatch(version):
        raise SALESFORCE.error(404)
    return version


Version = Annotated[str, Depends(api_version)]

_guard = Depends(service_guard(SALESFORCE.name))
auth_router = APIRouter(prefix=PREFIX, dependencies=[_guard])
# Mounted flat rather than nested under auth_router, so stats see the full route template.
data_router = APIRouter(
    prefix=PREFIX + "/services/data/{version}",
    dependencies=[_guard, Depends(require_session), Depends(api_version)],
)
routers = (auth_router, data_router)


@auth_router.post("/services/oauth2/token")
async def issue_token(request: Request, state: State) -> JSONResponse:
    form = await request.form()
    if form.get("grant_type") != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type", "error_description": "grant type not supported"}, 400)
    settings = state.settings
    client_id, client_secret = str(form.get("client_id", "")), str(form.get("client_secret", ""))
    expected_secret = settings.salesforce_client_secret.get_secret_value()
    valid_id = secrets.compare_digest(client_id.encode(), settings.salesforce_client_id.encode())
    valid_secret = secrets.compare_digest(client_secret.encode(), expected_secret.encode())
    if not (valid_id and valid_secret):
        return JSONResponse({"error": "invalid_client", "error_description": "invalid client credentials"}, 400)
    issued = state.tokens.issue(client_id)
    instance_url = str(request.base_url).rstrip("/") + PREFIX
    identity = f"{instance_url}/id/{state.tokens.org_id}/{state.data.integration_user_id}"
    issued_at = str(int(issued.issued_at * 1000))
    return JSONResponse(
        {
            "access_token": issued.access_token,
            "instance_url": instance_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
            "signature": token_signature(identity, issued_at, expected_secret),
        }
    )


@data_router.get("/query")
async def query(
    state: State,
    version: Version,
    q: str | None = None,
    query_options: Annotated[str | None, Header(alias="Sforce-Query-Options")] = None,
) -> dict[str, Any]:
    if not q:
        raise salesforce_error(400, "MALFORMED_QUERY", "A query string has to be specified")
    try:
        result = execute(parse(q), state.data, version, datetime.now(UTC))
    except SoqlSyntaxError as exc:
        raise salesforce_error(400, "MALFORMED_QUERY", str(exc)) from None
    except QueryError as exc:
        raise salesforce_error(400, exc.error_code, exc.message) from None
    batch = state.cursors.first_batch(result.records, _batch_size(query_options))
    return _query_page(version, result.total_size, batch.records, batch.next_locator)


@data_router.get("/query/{locator}")
async def query_more(state: State, version: Version, locator: str) -> dict[str, Any]:
    batch = state.cursors.next_batch(locator)
    if batch is None:
        raise salesforce_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    return _query_page(version, batch.total_size, batch.records, batch.next_locator)


@data_router.post("/sobjects/Task", status_code=201)
async def create_task(request: Request, state: State) -> dict[str, Any]:
    body = await _json_object(request)
    try:
        task = state.tasks.create(body)
    except RecordError as exc:
        raise ApiError(400, exc.errors) from None
    return {"id": task.id, "success": True, "errors": []}


@data_router.patch("/sobjects/Task/{field}/{value}")
async def upsert_task(request: Request, state: State, version: Version, field: str, value: str) -> Response:
    if field.lower() == "id":
        return await update_task(request, state, value)
    if field.lower() != TASK_KEY_FIELD.lower():
        message = f"Provided external ID field does not exist or is not accessible: {field}"
        raise salesforce_error(404, "NOT_FOUND", message)
    body = await _json_object(request)
    try:
        task, created = state.tasks.upsert(value, body)
    except RecordError as exc:
        raise ApiError(400, exc.errors) from None
    except MultipleMatchesError as exc:
        urls = [record_attributes("Task", task_id, version)["url"] for task_id in exc.record_ids]
        return JSONResponse(urls, 300)
    content = {"id": task.id, "success": True, "errors": [], "created": created}
    return JSONResponse(content, 201 if created else 200)


@data_router.patch("/sobjects/Task/{task_id}", status_code=204)
async def update_task(request: Request, state: State, task_id: str) -> Response:
    task = state.tasks.get(task_id)
    if task is None:
        raise SALESFORCE.error(404)
    body = await _json_object(request)
    try:
        state.tasks.update(task, body)
    except RecordError as exc:
        raise ApiError(400, exc.errors) from None
    return Response(status_code=204)


@data_router.get("/sobjects/{object_name}/{record_id}")
async def get_record(state: State, version: Version, object_name: str, record_id: str) -> dict[str, Any]:
    obj = sobject(object_name)
    record = find_record(state.data, obj, to_18(record_id)) if obj else None
    if obj is None or record is None:
        raise SALESFORCE.error(404)
    return render_record(obj, record, version)


@data_router.get("/sobjects/{object_name}/{field}/{value}")
async def get_record_by_external_id(
    state: State, version: Version, object_name: str, field: str, value: str
) -> dict[str, Any]:
    obj = sobject(object_name)
    if obj is None or obj.external_id is None or field.lower() != obj.external_id.lower():
        raise SALESFORCE.error(404)
    key_field = obj.field(obj.external_id)
    assert key_field is not None
    matches = [record for record in obj.records(state.data) if key_field.get(record) == value]
    if not matches:
        raise SALESFORCE.error(404)
    return render_record(obj, matches[0], version)


def _query_page(version: str, total: int, records: list[dict[str, Any]], locator: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {"totalSize": total, "done": locator is None}
    if locator is not None:
        page["nextRecordsUrl"] = f"/services/data/{version}/query/{locator}"
    page["records"] = records
    return page


def _batch_size(header: str | None) -> int:
    """`Sforce-Query-Options: batchSize=N`, clamped to Salesforce's 200..2000."""
    for option in (header or "").split(","):
        name, _, value = option.partition("=")
        if name.strip().lower() == "batchsize" and value.strip().isdigit():
            return max(DEFAULT_BATCH_SIZE, min(MAX_BATCH_SIZE, int(value)))
    return DEFAULT_BATCH_SIZE


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise salesforce_error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise salesforce_error(400, "JSON_PARSER_ERROR", "Expected a JSON object for the record")
    return body
