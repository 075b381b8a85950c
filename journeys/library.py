"""The pre-built journeys (seed 003), loaded from journeys/prebuilt/*.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from contracts.journey_definitions import JourneyDefinition
from journeys.schema import parse_definition

LIBRARY = Path(__file__).resolve().parent / "prebuilt"


def load_yaml(text: str) -> JourneyDefinition:
    return parse_definition(yaml.safe_load(text))


@cache
def prebuilt() -> dict[str, JourneyDefinition]:
    journeys = [load_yaml(p.read_text(encoding="utf-8")) for p in sorted(LIBRARY.glob("*.yaml"))]
    return {j.id: j for j in journeys}
