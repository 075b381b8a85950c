"""The club's facts, loaded from knowledge.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).resolve().parent / "knowledge.yaml"


@cache
def facts() -> dict[str, Any]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def hours_text() -> str:
    staffed = facts()["staffed_hours"]
    return "; ".join(f"{days} {hours}" for days, hours in staffed.items())


def as_prompt() -> str:
    """The facts as plain text for a prompt."""
    lines = []
    for key, value in facts().items():
        if isinstance(value, dict):
            value = "; ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        lines.append(f"- {key.replace('_', ' ')}: {value}")
    return "\n".join(lines)
