"""The visual builder's side of journeys: the canvas model (the definition as JSON, defaults left out),
YAML written the way the pre-built files are (so a canvas save reads like a hand edit and YAML stays the
source of truth), and validation problems placed on the step they concern, in plain words."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from journeys.schema import JourneyDefinitionError, parse_definition

WIDTH = 120  # a collection goes on one line ({...} / [...]) when that line fits, as in journeys/prebuilt
TOP = ("id", "name", "description", "trigger", "goal", "exit", "steps")
QUOTED = ("subject", "body", "schedule")  # message texts and crons are always quoted in the hand-written files
TRIGGER = ("type", "event", "schedule", "when")  # what starts it, then who qualifies
_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")


def canvas_model(source: str) -> dict[str, Any]:
    """YAML (a published version's source) → the JSON the canvas edits. Raises JourneyDefinitionError."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise JourneyDefinitionError([{"path": "source", "message": f"not valid YAML: {exc}"}]) from exc
    return model_of(data)


def model_of(data: Any) -> dict[str, Any]:
    """Validated, with defaults dropped (what a person leaves out) and whole numbers as ints."""
    dumped = parse_definition(data).model_dump(mode="json", exclude_defaults=True)
    return _ints(dumped)  # type: ignore[no-any-return]


def _ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v) for v in value]
    return value


def to_yaml(model: dict[str, Any]) -> str:
    """The canvas model as YAML, in the layout of journeys/prebuilt (round-trip tested on all four)."""
    lines: list[str] = []
    for key in [k for k in TOP if k in model] + [k for k in model if k not in TOP]:
        if key == "steps":
            lines.append("steps:")
            for step in model["steps"]:
                lines += _item(_step_order(step), "  ")
        elif key == "trigger" and isinstance(model[key], dict):
            trigger = model[key]
            lines += _entry(key, {k: trigger[k] for k in sorted(trigger, key=_trigger_rank)}, "")
        else:
            lines += _entry(key, model[key], "")
    return "\n".join(lines) + "\n"


def _trigger_rank(key: str) -> int:
    return TRIGGER.index(key) if key in TRIGGER else len(TRIGGER)


def _step_order(step: dict[str, Any]) -> dict[str, Any]:
    """id and type first, `next` last: how the files read (what, then where it goes)."""
    head = {k: step[k] for k in ("id", "type", "name") if k in step}
    rest = {k: v for k, v in step.items() if k not in (*head, "next")}
    return {**head, **rest, **({"next": step["next"]} if "next" in step else {})}


def _item(value: dict[str, Any], indent: str) -> list[str]:
    """A mapping as a block list item: "- " at indent, its keys two columns further."""
    lines = _block(value, indent + "  ")
    return [f"{indent}- {lines[0][len(indent) + 2 :]}", *lines[1:]]


def _entry(key: str, value: Any, indent: str) -> list[str]:
    head = f"{indent}{key}:"
    if isinstance(value, str) and "\n" in value:
        return [f"{head} |-", *(f"{indent}  {line}".rstrip() for line in value.split("\n"))]
    if isinstance(value, dict | list):
        flow = f"{head} {_flow(value)}"
        if (len(flow) <= WIDTH and key != "cases") or not value:
            return [flow]
        return [head, *_block(value, indent + "  ")]
    return [f"{head} {_scalar(value, quote=key in QUOTED)}"]


def _block(value: dict[str, Any] | list[Any], indent: str) -> list[str]:
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in _entry(k, v, indent)]
    lines: list[str] = []
    for item in value:
        if isinstance(item, dict) and ("next" in item or len(f"{indent}- {_flow(item)}") > WIDTH):
            lines += _item(item, indent)
        else:
            lines.append(f"{indent}- {_flow(item)}")
    return lines


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, flow=True)


def _scalar(value: Any, quote: bool = False, flow: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    text = str(value)
    if quote or not _plain_safe(text, flow):
        return json.dumps(text, ensure_ascii=False)
    return text


def _plain_safe(text: str, flow: bool) -> bool:
    """Unquoted only where YAML reads it back as the same string (not a number, a bool, a comment...)."""
    if not text or text != text.strip() or text.startswith(_INDICATORS) or ": " in text or " #" in text:
        return False
    if flow and any(c in text for c in ",[]{}:"):
        return False
    try:
        return bool(yaml.safe_load(f"k: {text}") == {"k": text})
    except yaml.YAMLError:
        return False


_STEP = re.compile(r"^step ([a-z0-9][a-z0-9_-]*): (.*)$")
_PLAIN_WORDS = {
    "Field required": "is missing",
    "Extra inputs are not permitted": "is not a setting this step has",
    "String should have at least 1 character": "cannot be empty",
}


def _plain(path: str, message: str) -> str:
    """Pydantic's wording where it names regular expressions or internals, said as a person would."""
    if message.startswith("String should match pattern"):
        last = path.split(".")[-1]
        if last in ("duration", "timeout"):
            return "is not a duration like 30s, 15m, 2h, 2d or 1w"
        if last in ("id", "since_step"):
            return "must be lower-case letters, digits and dashes, starting with a letter or digit"
        return "is not in the expected form"
    return _PLAIN_WORDS.get(message, message).removeprefix("Value error, ")


def problems(errors: list[dict[str, str]], model: dict[str, Any]) -> list[dict[str, Any]]:
    """Validation errors as {step: index or None, number: 1-based, step_id, field, message} in plain words."""
    steps = model.get("steps") if isinstance(model.get("steps"), list) else []
    ids = [s.get("id") if isinstance(s, dict) else None for s in steps or []]
    found = []
    for error in errors:
        path, message = error["path"].split("."), _plain(error["path"], error["message"])
        index: int | None = None
        field = ""
        named = _STEP.match(message)
        if path[0] == "steps" and len(path) > 1 and path[1].isdigit():
            index = int(path[1])
            kinds = {"send", "wait", "branch", "handoff", "update_lead", "goal", "exit"}
            field = ".".join(p for p in path[2:] if p not in kinds)
        elif named and named.group(1) in ids:
            index, message = ids.index(named.group(1)), named.group(2)
        else:
            field = error["path"]
        if index is not None:
            where = f"Step {index + 1}" + (f" ({ids[index]})" if index < len(ids) and ids[index] else "")
            text = f"{where}: {field + ' ' if field else ''}{message}"
        else:
            text = f"{field}: {message}" if field and field != "(root)" else message
        number = index + 1 if index is not None else None
        found.append({"step": index, "number": number, "field": field, "message": text})
    return found
