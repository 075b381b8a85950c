"""The shared error types, their Temporal translation, and the shared HTTP error mapping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from temporalio import activity
from temporalio.activity import _Definition
from temporalio.exceptions import ApplicationError

from clients.errors import (
    NON_RETRYABLE_ERROR_TYPES,
    AuthError,
    ClientError,
    ExternalServiceError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    activity_errors,
    error_for_status,
    to_application_error,
)
from clients.http import describe_error_body, parse_retry_after, service_error
from llm.errors import MalformedOutputError


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, ClientError),
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (408, ServerError),
        (409, ClientError),
        (429, RateLimitedError),
        (500, ServerError),
        (503, ServerError),
        (529, ServerError),
        (300, ClientError),
        (302, ClientError),
        (204, MalformedResponseError),
    ],
)
def test_error_for_status(status: int, expected: type[ExternalServiceError]) -> None:
    error = error_for_status("svc", status, "boom")
    assert type(error) is expected and error.status == status


def _all_subclasses(cls: type[ExternalServiceError]) -> set[type[ExternalServiceError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def test_non_retryable_types_match_the_classes() -> None:
    assert MalformedOutputError in _all_subclasses(ExternalServiceError)
    expected = {cls.__name__ for cls in _all_subclasses(ExternalServiceError) if not cls.retryable}
    assert set(NON_RETRYABLE_ERROR_TYPES) == expected == {"ClientError", "NotFoundError", "RecipientOptedOut"}


def test_to_application_error_for_retryable_and_non_retryable() -> None:
    client = to_application_error(ClientError("salesforce", 400, "MALFORMED_QUERY: bad", code="MALFORMED_QUERY"))
    assert client.type == "ClientError" and client.non_retryable and client.next_retry_delay is None
    assert client.message == "salesforce HTTP 400: MALFORMED_QUERY: bad"
    assert client.details == ({"service": "salesforce", "status": 400, "code": "MALFORMED_QUERY"},)

    limited = to_application_error(RateLimitedError("active", 429, "slow down", 12.5))
    assert limited.type == "RateLimitedError" and not limited.non_retryable
    assert limited.next_retry_delay == timedelta(seconds=12.5)

    # Credentials are not bad data: the operator fixes them and the same call succeeds, so it is retried.
    denied = to_application_error(AuthError("clubos", 401, "unauthorized"))
    assert denied.type == "AuthError" and not denied.non_retryable

    server = to_application_error(ServerError("active", None, "ReadTimeout"))
    assert server.type == "ServerError" and not server.non_retryable and server.next_retry_delay is None


async def test_activity_errors_as_context_manager_and_decorator() -> None:
    with pytest.raises(ApplicationError) as caught:
        async with activity_errors():
            raise NotFoundError("salesforce", None, "no Account")
    assert caught.value.type == "NotFoundError" and caught.value.non_retryable
    assert isinstance(caught.value.__cause__, NotFoundError)

    @activity_errors()
    async def fetch(fail: bool) -> str:
        if fail:
            raise ServerError("active", 503, "unavailable")
        return "ok"

    assert await fetch(False) == "ok"
    with pytest.raises(ApplicationError, match="active HTTP 503: unavailable"):
        await fetch(True)

    with pytest.raises(ValueError, match="not ours"):  # other exceptions pass through untouched
        async with activity_errors():
            raise ValueError("not ours")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        ("1.5", 1.5),
        (" 30 ", 30.0),
        ("-3", 0.0),
        ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2026 07:27:00 GMT", 0.0),  # in the past: retry now
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    now = datetime(2026, 10, 21, 7, 28, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            [{"message": "bad field", "errorCode": "INVALID_FIELD"}],
            ("INVALID_FIELD", "INVALID_FIELD: bad field"),
        ),
        (
            {"error": "invalid_client", "error_description": "bad secret"},
            ("invalid_client", "invalid_client: bad secret"),
        ),
        ({"error": "customer not found"}, (None, "customer not found")),
        ({"error": "rate_limited", "message": "retry later"}, ("rate_limited", "rate_limited: retry later")),
        ({"error": {"type": "overloaded_error", "message": "busy"}}, ("overloaded_error", "busy")),
        ({"message": "plain"}, (None, "plain")),
    ],
)
def test_describe_error_body(body: object, expected: tuple[str | None, str]) -> None:
    assert describe_error_body(httpx.Response(400, json=body)) == expected


def test_describe_error_body_falls_back_to_text() -> None:
    assert describe_error_body(httpx.Response(502, text="Bad gateway from proxy")) == (
        None,
        "Bad gateway from proxy",
    )
    assert describe_error_body(httpx.Response(502)) == (None, "Bad Gateway")


def test_service_error_maps_httpx_exceptions() -> None:
    request = httpx.Request("GET", "http://x.test/")
    assert type(service_error("s", httpx.ConnectTimeout("t", request=request))) is ServerError
    assert type(service_error("s", httpx.RemoteProtocolError("r", request=request))) is ServerError
    assert type(service_error("s", httpx.DecodingError("d", request=request))) is MalformedResponseError
    assert type(service_error("s", httpx.UnsupportedProtocol("u", request=request))) is ClientError
    response = httpx.Response(404, json={"error": "gone"}, request=request)
    status_error = httpx.HTTPStatusError("404", request=request, response=response)
    assert type(service_error("s", status_error)) is NotFoundError


def test_activity_errors_keeps_the_signature_temporal_reads() -> None:
    @activity.defn
    @activity_errors()
    async def fetch_account(key: str) -> int:
        return len(key)

    definition = _Definition.from_callable(fetch_account)
    assert definition is not None
    assert (definition.name, definition.arg_types, definition.ret_type) == ("fetch_account", [str], int)
