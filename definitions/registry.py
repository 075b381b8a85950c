"""Loads the workflow definitions from the YAML files beside this module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from contracts.renewal_definitions import WorkflowDefinition

DEFINITIONS_DIR = Path(__file__).resolve().parent


class RenewalDefinitionError(ValueError):
    pass


def load_file(path: Path) -> WorkflowDefinition:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return WorkflowDefinition.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise RenewalDefinitionError(f"{path.name}: {exc}") from exc


@lru_cache
def all_definitions() -> dict[str, WorkflowDefinition]:
    defs = [load_file(p) for p in sorted(DEFINITIONS_DIR.glob("*/*.yaml"))]
    return {d.id: d for d in defs}


def get_definition(definition_id: str) -> WorkflowDefinition:
    try:
        return all_definitions()[definition_id]
    except KeyError:
        raise RenewalDefinitionError(f"unknown workflow definition {definition_id!r}") from None
