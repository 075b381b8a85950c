"""Parsing journeys: durations ("30s", "15m", "2h", "2d", "1w") and whole definitions (the models are in
contracts.journey_definitions), with errors that name the path of what is wrong."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from contracts.journey_definitions import JourneyDefinition

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30s, 15m, 2h, 2d, 1w")
    try:
        return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    except OverflowError as exc:  # contracts' Duration refuses these first; a ValueError says what is wrong
        raise ValueError(f"{text!r} is too long a duration") from exc


_ADAPTER = TypeAdapter(JourneyDefinition)


class JourneyDefinitionError(ValueError):
    """Validation errors, each with the path of what is wrong (e.g. steps.2.timeout)."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['path']}: {e['message']}" for e in errors))
        self.errors = errors


def parse_definition(data: Any) -> JourneyDefinition:
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise JourneyDefinitionError(
            [{"path": ".".join(str(p) for p in e["loc"]) or "(root)", "message": e["msg"]} for e in exc.errors()]
        ) from exc
