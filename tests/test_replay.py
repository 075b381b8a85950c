"""Every recorded history of every kept release must replay on the current workflow
code: a change that would break workflows still running from an older release fails
here, not in production."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import _Definition

import workflows
from tests import history_store
from worker import WORKFLOWS

HISTORIES = history_store.kept()
CONTINUED = "<continued as new>"


def test_there_is_a_history_per_workflow_type() -> None:
    types = set()
    for path in HISTORIES:
        first = json.loads(path.read_text())["events"][0]
        types.add(first["workflowExecutionStartedEventAttributes"]["workflowType"]["name"])
    assert types >= {_Definition.must_from_class(w).name for w in WORKFLOWS}


def test_every_handler_and_continue_as_new_is_in_a_kept_history() -> None:
    """A path no history takes is a path the replay cannot guard: every signal and update of every workflow
    is received in some kept history, and every workflow that continues as new has a history that did."""
    seen: dict[str, set[str]] = {}
    for path in HISTORIES:
        events = json.loads(path.read_text())["events"]
        names = seen.setdefault(events[0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"], set())
        for e in events:
            if signal := e.get("workflowExecutionSignaledEventAttributes"):
                names.add(signal["signalName"])
            if update := e.get("workflowExecutionUpdateAcceptedEventAttributes"):
                names.add(update["acceptedRequest"]["input"]["name"])
        if events[-1]["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW":
            names.add(CONTINUED)
    missing = {}
    for w in WORKFLOWS:
        defn = _Definition.must_from_class(w)
        wanted = {n for n in (*defn.signals, *defn.updates) if n is not None}
        if "workflow.continue_as_new(" in inspect.getsource(inspect.getmodule(w)):  # type: ignore[arg-type]
            wanted.add(CONTINUED)
        if gaps := wanted - seen.get(defn.name, set()):
            missing[defn.name] = sorted(gaps)
    assert missing == {}, "record a scenario (tests/record_histories.py) that takes these paths"


def patch_ids_in_code() -> dict[str, str]:
    """Every `workflow.patched(...)` id in workflows/, with where it is asked: a literal, or a module-level
    constant of the module that asks (or of the module it names, e.g. `runs.CONTINUE_AS_NEW`)."""
    root = Path(workflows.__file__).parent
    trees = {p.stem: ast.parse(p.read_text()) for p in root.glob("*.py")}
    constants = {
        (mod, t.id): node.value.value
        for mod, tree in trees.items()
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    aliases = {
        (mod, a.asname or a.name): a.name
        for mod, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "workflows"
        for a in node.names
    }

    def ids(mod: str, arg: ast.expr) -> list[str] | None:
        if isinstance(arg, ast.Constant):
            return [str(arg.value)]
        if isinstance(arg, ast.Name) and (mod, arg.id) in constants:
            return [constants[(mod, arg.id)]]
        if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name):
            return [constants[(aliases.get((mod, arg.value.id), arg.value.id), arg.attr)]]
        if isinstance(arg, ast.IfExp):  # either id may be asked
            a, b = ids(mod, arg.body), ids(mod, arg.orelse)
            return None if a is None or b is None else a + b
        if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.FormattedValue):
            # One marker per update (`f"{ID}:{info.id}"`): any recorded marker with the id's prefix takes it.
            head = ids(mod, arg.values[0].value)
            return None if head is None else [f"{h}:*" for h in head]
        return None

    found: dict[str, str] = {}
    for mod, tree in trees.items():
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and ast.unparse(call.func) == "workflow.patched"):
                continue
            where, [arg] = f"workflows/{mod}.py:{call.lineno}", call.args
            named = ids(mod, arg)
            if named is None:
                found[ast.unparse(arg)] = f"{where} (name a literal or a module constant)"
            for patch in named or []:
                found[patch] = where
    return found


def test_every_patch_is_taken_by_a_kept_history() -> None:
    """A `workflow.patched()` branch no history took is one the replay cannot guard: a later change to it (or
    dropping the guard) would break running executions unseen. Each patch id is recorded as a marker by some
    kept history."""
    in_code = patch_ids_in_code()
    assert "renewal-continue-as-new" in in_code and "approval-decision-repeat" in in_code  # the scan finds them
    recorded = set().union(*(history_store.patch_markers(p.read_text()) for p in HISTORIES))
    taken = recorded | {f"{m.rsplit(':', 1)[0]}:*" for m in recorded if ":" in m}
    missing = {patch: where for patch, where in in_code.items() if patch not in taken}
    assert missing == {}, "record a scenario (tests/record_histories.py) that takes these patched paths"


def test_histories_are_kept_per_release() -> None:
    """Nothing lies loose in tests/histories/: each file belongs to the release that recorded it."""
    loose = [p.name for p in history_store.ROOT.iterdir() if p.is_file()]
    assert loose == []
    releases = {p.parent.name for p in HISTORIES}
    assert releases and all(history_store.VERSION.match(r) for r in releases), releases


def test_the_recorder_never_replaces_a_kept_history(tmp_path: Path) -> None:
    first = history_store.write_new("renewal_x", '{"events": []}', version="9.9.9", root=tmp_path)
    with pytest.raises(history_store.AlreadyRecorded, match=r"9\.9\.9/renewal_x\.json is already recorded"):
        history_store.write_new("renewal_x", '{"events": ["changed"]}', version="9.9.9", root=tmp_path)
    assert first.read_text() == '{"events": []}'
    history_store.write_new("renewal_x", '{"events": ["next release"]}', version="9.10.0", root=tmp_path)
    assert [history_store.case_id(p) for p in history_store.kept(tmp_path)] == ["9.9.9/renewal_x", "9.10.0/renewal_x"]


@pytest.mark.parametrize("path", HISTORIES, ids=[history_store.case_id(p) for p in HISTORIES])
async def test_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(history_store.case_id(path), path.read_text())
    replayer = Replayer(workflows=list(WORKFLOWS), data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)
