"""Errors rendered in each fake service's own wire format.

Every simulated system answers in its own error shape (Salesforce: a JSON list of
`{"message", "errorCode"}`; Active: `{"error": ...}`), including for failures FastAPI raises
itself (unknown path, bad query parameter), so clients never see a sandbox-specific shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """An error response whose body is already in the answering service's format."""

    def __init__(self, status_code: int, content: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status_code, content)
        self.status_code = status_code
        self.content = content
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class ServiceSpec:
    """A simulated system mounted under `prefix`; faults, rate limits and stats are keyed by `name`."""

    name: str
    prefix: str
    error_body: Callable[[str, str], Any]  # (error code, message) -> JSON body
    # HTTP status -> (the service's error code, default message) for failures not specific to an endpoint
    generic_errors: Mapping[int, tuple[str, str]] = field(default_factory=dict)

    def error(self, status_code: int, message: str | None = None, headers: Mapping[str, str] | None = None) -> ApiError:
        code, default_message = self.generic_errors.get(status_code, (str(status_code), ""))
        return ApiError(status_code, self.error_body(code, message or default_message), headers)

    def owns(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")


def service_for_path(services: Iterable[ServiceSpec], path: str) -> ServiceSpec | None:
    return next((spec for spec in services if spec.owns(path)), None)


def install_error_handlers(app: FastAPI, services: Callable[[], Iterable[ServiceSpec]]) -> None:
    async def on_api_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return JSONResponse(exc.content, exc.status_code, exc.headers)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        spec = service_for_path(services(), request.url.path)
        if spec is None:
            return await http_exception_handler(request, exc)
        error = spec.error(exc.status_code, None, exc.headers)
        return JSONResponse(error.content, error.status_code, error.headers)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        spec = service_for_path(services(), request.url.path)
        if spec is None:
            return await request_validation_exception_handler(request, exc)
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())[1:])
        error = spec.error(400, f"{where}: {first.get('msg', 'invalid value')}")
        return JSONResponse(error.content, error.status_code)

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
