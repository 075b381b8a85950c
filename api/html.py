"""The one way an HTML response is made: `render` (a template, its status, the inline
header htmx needs), the toast for a refused action (`flash`), and `InlineErrors`, the
route class that turns an htmx request's 4xx into that toast. Filters and globals the
templates use are registered once at start (api/template_helpers.py)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import ValidationError

from api.auth import Forbidden
from api.deps import get_templates

# campaigns.js lets htmx swap 4xx responses that carry this header (it ignores
# other error responses), so a refused action shows its reason where it happened.
INLINE = "X-Renubu-Inline"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200, inline: bool = False
) -> Response:
    # `now` is a value, not a global: every comparison in one page uses the same instant.
    return get_templates(request).TemplateResponse(
        request,
        template,
        {"now": datetime.now(UTC), **context},
        status_code=status_code,
        headers={INLINE: "1"} if inline else None,
    )


def problem_text(exc: Exception) -> str:
    """A readable sentence for a refused action: the server's reason, or which field is wrong."""
    if isinstance(exc, Forbidden):
        return exc.message
    if isinstance(exc, HTTPException):
        return str(exc.detail)
    if isinstance(exc, RequestValidationError | ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p not in ('body', 'query', 'path'))}: {e['msg']}".lstrip(": ")
            for e in exc.errors()[:3]
        )
    return str(exc)


def flash(request: Request, message: str, status_code: int) -> Response:
    """The message into the page's toast area (#flash in base.html), whatever the request's target."""
    response = render(request, "partials/shell/flash.html", {"message": message}, status_code, inline=True)
    response.headers["HX-Retarget"] = "#flash"
    response.headers["HX-Reswap"] = "afterbegin"
    return response


class InlineErrors(APIRoute):
    """For htmx requests, a role error, a 4xx HTTPException or invalid form input
    becomes a visible message instead of a full error page htmx would drop."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (Forbidden, HTTPException, RequestValidationError) as exc:
                status = 403 if isinstance(exc, Forbidden) else getattr(exc, "status_code", 422)
                if not is_htmx(request) or status >= 500:
                    raise
                return flash(request, problem_text(exc), status)

        return handle
