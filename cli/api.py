"""The API over HTTP with an API key; failures become CliErrors carrying the server's reason."""

from __future__ import annotations

import os
from typing import Any

import httpx

from cli.errors import BY_STATUS, FAILED, UNAUTHENTICATED, CliError

DEFAULT_URL = "http://127.0.0.1:8000"


def base_url(given: str | None) -> str:
    return (given or os.environ.get("RENUBU_URL") or DEFAULT_URL).rstrip("/")


def api_key(given: str | None) -> str:
    key = given or os.environ.get("RENUBU_API_KEY")
    if not key:
        raise CliError(
            UNAUTHENTICATED, "no API key: set RENUBU_API_KEY or pass --api-key (create one: renubu apikey create EMAIL)"
        )
    return key


def _reason(response: httpx.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    detail = payload.get("detail", payload) if isinstance(payload, dict) else payload
    if isinstance(detail, list):  # FastAPI validation errors
        return "; ".join(f"{'.'.join(str(p) for p in e.get('loc', [])[1:])}: {e.get('msg')}" for e in detail)
    return str(detail)


def call(url: str, key: str, method: str, path: str, **kwargs: Any) -> Any:
    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as http:
            response = http.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise CliError(FAILED, f"cannot reach {url}: {exc}") from exc
    if response.status_code >= 400:
        code = BY_STATUS.get(response.status_code, FAILED)
        raise CliError(code, f"{_reason(response)} (HTTP {response.status_code})")
    return response.json()
