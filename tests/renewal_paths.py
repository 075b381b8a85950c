"""Every button of every renewal definition, read from the YAML, planned into walks a CSM can click.

A step's buttons form a graph: a click on a button with a branch offers that branch's buttons next, and a
Complete Step button ends the step. Some branches only lead to Complete Step (Schedule Call in Emergency's
first step), so one walk cannot press every button: `plan` covers each definition with as few walks as it
can, and a definition is worked once per walk (its steps take the walk of that number, or their shortest).
A new button in a YAML file is therefore clicked by the end-to-end tests without anyone listing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contracts.renewal_definitions import Button, Step, WorkflowDefinition
from contracts.renewals import Stage
from definitions.registry import all_definitions

INITIAL = ""  # the node of the step's first message
MAX_CLICKS = 8  # no step needs more to reach every button; bounds the search


@dataclass(frozen=True)
class Click:
    button: Button

    @property
    def key(self) -> tuple[str, str]:
        """What coverage counts: the same value under another label ("Draft Another") is another button."""
        return self.button.value, self.button.label


@dataclass
class Walk:
    clicks: list[Click] = field(default_factory=list)  # the last one is a completeStep button

    @property
    def keys(self) -> set[tuple[str, str]]:
        return {c.key for c in self.clicks}


def reachable_definitions() -> list[WorkflowDefinition]:
    """The definitions a renewal can run: a stage picks its definition by id. (Strategic ones, QBR and Health
    Check, are loaded and validated but no renewal or page starts them.)"""
    defs = all_definitions()
    return [defs[stage.definition_id] for stage in Stage]


def buttons_at(step: Step, node: str) -> list[Button]:
    if node == INITIAL:
        return list(step.chat.initial_message.buttons)
    return list(step.chat.branches[node].buttons)


def step_buttons(step: Step) -> set[tuple[str, str]]:
    nodes = [INITIAL, *step.chat.branches]
    return {(b.value, b.label) for node in nodes for b in buttons_at(step, node)}


def _next_node(step: Step, node: str, button: Button) -> str:
    """Where a click leads: its branch's buttons, or (no branch) the same buttons again."""
    return button.value if button.value in step.chat.branches else node


def _walks(step: Step, node: str, depth: int, used: frozenset[tuple[str, str]] = frozenset()) -> list[list[Click]]:
    """Every click sequence from `node` that ends with a Complete Step button, pressing no button of a node
    twice (Draft Another and Send for Approval lead to each other)."""
    found: list[list[Click]] = []
    for button in buttons_at(step, node):
        edge = (node, button.value)
        if button.action == "completeStep":
            found.append([Click(button)])
        elif depth > 1 and edge not in used:
            rest = _walks(step, _next_node(step, node, button), depth - 1, used | {edge})
            found += [[Click(button), *r] for r in rest]
    return found


def plan_step(step: Step) -> list[Walk]:
    """Walks that together press every button of the step, greedily: each covers the most still missed,
    and the shorter of two that cover as much."""
    todo = step_buttons(step)
    candidates = [Walk(w) for w in _walks(step, INITIAL, MAX_CLICKS)]
    walks: list[Walk] = []
    while todo:
        best = max(candidates, key=lambda w: (len(w.keys & todo), -len(w.clicks)), default=None)
        if best is None or not best.keys & todo:
            raise AssertionError(f"step {step.id}: no walk reaches {sorted(todo)}")
        walks.append(best)
        todo -= best.keys
    return walks


def shortest(step: Step) -> Walk:
    return Walk(min(_walks(step, INITIAL, MAX_CLICKS), key=len))


def plan(definition: WorkflowDefinition) -> list[list[Walk]]:
    """Per renewal to work: the walk of each step (its shortest once its buttons are all covered)."""
    per_step = [plan_step(s) for s in definition.steps]
    runs = max(len(w) for w in per_step)
    return [
        [walks[i] if i < len(walks) else shortest(step) for step, walks in zip(definition.steps, per_step, strict=True)]
        for i in range(runs)
    ]


def matrix() -> list[tuple[str, int]]:
    """(definition id, run number) for every renewal the full matrix works."""
    return [(d.id, i) for d in reachable_definitions() for i in range(len(plan(d)))]
