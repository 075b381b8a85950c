"""Recorded workflow histories, kept per release: `tests/histories/<version>/<scenario>.json`.

A release's histories are what its workers may have left running, so the replay
tests replay every kept release against the current code, and a recorded file is
never replaced: a new scenario, or the same one after a version bump, is a new file.
"""

from __future__ import annotations

import base64
import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "histories"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# The marker the Temporal SDK records for each `workflow.patched()` id an execution took.
PATCH_MARKER = "core_patch"
VERSION = re.compile(r"^\d+\.\d+\.\d+([.-]?[0-9A-Za-z.]+)?$")


class AlreadyRecorded(FileExistsError):
    """A history with this name is already kept for this release."""


def current_version() -> str:
    """The package version in pyproject.toml: the release new histories belong to."""
    return str(tomllib.loads(PYPROJECT.read_text())["project"]["version"])


def kept(root: Path = ROOT) -> list[Path]:
    """Every kept history of every release, oldest release first."""
    return sorted(root.glob("*/*.json"), key=lambda p: (_release_key(p.parent.name), p.name))


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def write_new(name: str, text: str, version: str | None = None, root: Path = ROOT) -> Path:
    """Write a new history for the release; refuse to replace one already kept."""
    release = root / (version or current_version())
    release.mkdir(parents=True, exist_ok=True)
    path = release / f"{name}.json"
    try:
        with path.open("x") as out:  # exclusive create: never replaces, even if two recorders race
            out.write(text)
    except FileExistsError:
        raise AlreadyRecorded(
            f"{path.relative_to(root.parent.parent)} is already recorded and is never re-recorded: it is the baseline "
            "that running workflows of that release replay against. Record a new scenario under a new name "
            "(or bump the version in pyproject.toml for a new release)."
        ) from None
    return path


def _release_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def patch_markers(history_json: str) -> set[str]:
    """The `workflow.patched()` ids a history recorded: the paths its execution took behind a patch."""
    found = set()
    for e in json.loads(history_json)["events"]:
        marker = e.get("markerRecordedEventAttributes")
        if marker and marker.get("markerName") == PATCH_MARKER:
            for payload in marker["details"]["patch-data"]["payloads"]:
                found.add(json.loads(base64.b64decode(payload["data"]))["id"])
    return found
