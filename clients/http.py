"""The one httpx setup and the one failure mapping every outside-system client uses."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from clients.errors import (
    ClientError,
    ExternalServiceError,
    MalformedResponseError,
    ServerError,
    error_for_status,
)

USER_AGENT = "renubu/0.1"
# Many activities share one client per worker; keep enough sockets for that without
# letting a burst open hundreds of connections to one service.
CONNECTION_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=20)
_MAX_ERROR_TEXT = 500

ModelT = TypeVar("ModelT", bound=BaseModel)


class HttpClient:
    """Shared lifecycle of the service clients: `async with Client.from_settings(...) as c`."""

    _http: httpx.AsyncClient

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()


def make_http_client(
    base_url: str,
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient for one service; `transport` lets tests plug in httpx.MockTransport."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout),
        limits=CONNECTION_LIMITS,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        transport=transport,
        follow_redirects=False,  # a redirect would carry our credentials elsewhere
    )


def service_error(service: str, failure: httpx.Response | httpx.HTTPError) -> ExternalServiceError:
    """Map a failed response or an httpx exception to the matching ExternalServiceError."""
    if isinstance(failure, httpx.Response):
        code, message = describe_error_body(failure)
        retry_after = parse_retry_after(failure.headers.get("Retry-After"))
        return error_for_status(service, failure.status_code, message, retry_after=retry_after, code=code)
    if isinstance(failure, httpx.HTTPStatusError):
        return service_error(service, failure.response)
    if isinstance(failure, httpx.DecodingError):
        return MalformedResponseError(service, None, f"undecodable response: {failure}")
    if isinstance(failure, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return ClientError(service, None, f"invalid request: {failure}")
    # Timeouts, refused/reset connections, remote protocol errors: transient.
    return ServerError(service, None, f"{type(failure).__name__}: {failure}")


async def send(client: httpx.AsyncClient, service: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """client.request, with transport failures raised as ExternalServiceError."""
    try:
        return await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise service_error(service, exc) from exc


def check_response(service: str, response: httpx.Response) -> httpx.Response:
    """Return a 2xx response unchanged; raise the mapped error for anything else."""
    if not response.is_success:
        raise service_error(service, response)
    return response


def parse_json(service: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise MalformedResponseError(service, response.status_code, f"body is not JSON: {exc}") from exc


def parse_model(service: str, response: httpx.Response, model: type[ModelT]) -> ModelT:
    """Validate a JSON body against the shape the API promises."""
    return validate_payload(service, response.status_code, model, parse_json(service, response))


def validate_payload(service: str, status: int | None, model: type[ModelT], data: Any) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        detail = validation_summary(exc)
        raise MalformedResponseError(service, status, f"unexpected {model.__name__}: {detail}") from exc


def validation_summary(exc: ValidationError, limit: int = 5) -> str:
    """'trends.usage.direction: Input should be ...; ...' for the first `limit` problems."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:limit])


def describe_error_body(response: httpx.Response) -> tuple[str | None, str]:
    """(code, message) from the error body shapes our services use.

    Salesforce: [{"errorCode": "...", "message": "..."}]; OAuth: {"error": "...",
    "error_description": "..."}; Active: {"error": "...", "message"?: "..."}; the common
    {"error": {"type": "...", "message": "..."}}. Anything else: the raw text.
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, list) and body and all(isinstance(item, dict) for item in body):
        codes = [str(item.get("errorCode") or "") for item in body]
        messages = [str(item.get("message") or "") for item in body]
        text = "; ".join(f"{c}: {m}" if c else m for c, m in zip(codes, messages, strict=True))
        return codes[0] or None, text
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            code = error.get("type") or error.get("code")
            return (str(code) if code else None), str(error.get("message", error))
        if isinstance(error, str):
            # With a description beside it the short string is a code (OAuth, Active).
            detail = body.get("error_description") or body.get("message")
            if detail:
                return error, f"{error}: {detail}"
            return None, error
        if "message" in body:
            return None, str(body["message"])
    text = response.text.strip()[:_MAX_ERROR_TEXT]
    return None, text or response.reason_phrase or f"HTTP {response.status_code}"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
