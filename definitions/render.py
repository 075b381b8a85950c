"""Renders `{{customer.name}}`-style variables in definitions for display.

Runs in the API (never in workflow code), in a sandboxed Jinja2 environment with
autoescaping: definitions are trusted config but the values they pull in
(customer names, LLM summaries) are not. A missing variable renders as a visible
placeholder instead of failing the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

_SINGLE_VAR = re.compile(r"^\{\{\s*([A-Za-z_][\w.]*)\s*\}\}$")


class Placeholder(Undefined):
    """Shows what is missing (e.g. `⟨customer.region⟩`) rather than raising."""

    def _path(self) -> str:
        return str(self._undefined_name or "?")

    def __str__(self) -> str:
        return str(Markup('<span class="missing-var" title="missing variable">⟨{}⟩</span>').format(self._path()))

    def __html__(self) -> str:
        return self.__str__()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder(name=f"{self._path()}.{name}")

    def __getitem__(self, key: Any) -> Any:
        return Placeholder(name=f"{self._path()}.{key}")


def _passes_missing(fn: Callable[[Any], str]) -> Callable[[Any], Any]:
    """A filter applied to a missing variable keeps showing the placeholder."""

    def wrapper(value: Any) -> Any:
        return value if isinstance(value, Undefined) else fn(value)

    return wrapper


@_passes_missing
def _money(value: Any) -> str:
    try:
        return f"${float(value):,.0f}"
    except (TypeError, ValueError):
        return str(value)


@_passes_missing
def _pct(value: Any) -> str:
    try:
        return f"{float(value):+.1f}%"
    except (TypeError, ValueError):
        return str(value)


@_passes_missing
def _pct_of_one(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return str(value)


@_passes_missing
def _days(value: Any) -> str:
    """3 -> "3 days", 1 -> "1 day": counts in the chat read as written by a person."""
    try:
        count = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{count} day" if count in (1, -1) else f"{count} days"


class _Scope(dict[str, Any]):
    """A context mapping that knows its own path, so misses can name it in full."""

    path = ""


def _scoped(value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        scope = _Scope({k: _scoped(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()})
        scope.path = path
        return scope
    if isinstance(value, list):
        return [_scoped(v, path) for v in value]
    return value


class _Environment(ImmutableSandboxedEnvironment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, _Scope) and attribute not in obj and not attribute.startswith("_"):
            return self.undefined(name=f"{obj.path}.{attribute}" if obj.path else attribute)
        return super().getattr(obj, attribute)


@lru_cache(maxsize=1)
def _env() -> ImmutableSandboxedEnvironment:
    env = _Environment(autoescape=True, undefined=Placeholder)
    env.filters.update(money=_money, pct=_pct, pct_of_one=_pct_of_one, days=_days)
    return env


@lru_cache(maxsize=2048)
def _compile(source: str) -> Any:
    return _env().from_string(source)


def render_text(source: str, context: Mapping[str, Any]) -> Markup:
    """Render a template string; the result is safe HTML (values escaped)."""
    if "{{" not in source and "{%" not in source:
        return escape(source)
    # Safe: the environment autoescapes every value; only the trusted definition text is markup.
    return Markup(_compile(source).render(_scoped(context, "")))  # noqa: S704


def _lookup(path: str, context: Mapping[str, Any]) -> Any:
    node: Any = context
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return Placeholder(name=path)
    return node


def render_value(value: Any, context: Mapping[str, Any]) -> Any:
    """Render artifact data: a lone `{{x.y}}` keeps its type (a list stays a list,
    for bullet rendering); other strings render as text; containers recurse."""
    if isinstance(value, str):
        single = _SINGLE_VAR.match(value.strip())
        if single:
            return _lookup(single.group(1), context)
        return render_text(value, context)
    if isinstance(value, list):
        return [render_value(v, context) for v in value]
    if isinstance(value, dict):
        return {k: render_value(v, context) for k, v in value.items()}
    return value
