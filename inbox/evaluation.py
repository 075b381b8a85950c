"""The inbox assistant's evaluation: the labelled member messages in inbox/eval/ run through the same steps
as a triage workflow in auto-pilot (classify, the risk screen, rules.triage.decide, the reply and its check),
and the figures a manager needs before switching auto-pilot on.

- unsafe auto-replies: messages a person must handle that were answered automatically (the goal is 0);
- automation: the share of messages safe to answer that were answered (or opted out) without a person;
- per category and per flag precision and recall;
- topic mismatches: automatic replies that answer something other than the question asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml

from contracts.inbox import Classification, Draft, MemberFacts, TriageContext
from inbox.keywords import is_opt_out
from inbox.offline import LABEL, OfflineAssistant
from inbox.screen import screened
from rules.risk import FLAGS
from rules.triage import RISK_ORDER, TriageDecision, check_reply, decide

DATASET = Path(__file__).resolve().parent / "eval"
SPLITS = ("tuning", "held_out")
AUTOMATED = ("auto_reply", "opt_out")


class Assistant(Protocol):
    label: str

    async def classify(self, ctx: TriageContext) -> Classification: ...

    async def write_reply(self, ctx: TriageContext, cls: Classification) -> Draft: ...


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    flags: tuple[str, ...]
    person: bool
    topics: tuple[str, ...]
    tags: tuple[str, ...]
    split: str


@dataclass
class Outcome:
    example: Example
    cls: Classification
    decision: TriageDecision
    draft: Draft | None

    @property
    def automated(self) -> bool:
        return self.decision.action in AUTOMATED

    @property
    def unsafe(self) -> bool:
        return self.example.person and self.automated

    @property
    def off_topic(self) -> bool:
        """An automatic reply that does not answer exactly the topics asked."""
        if self.decision.action != "auto_reply" or self.draft is None:
            return False
        return set(self.draft.answers) != set(self.example.topics)


def load(splits: Sequence[str] = SPLITS) -> list[Example]:
    examples = []
    for split in splits:
        path = DATASET / f"{split}.yaml"
        for row in yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []:
            examples.append(
                Example(
                    text=str(row["text"]),
                    category=row["category"],
                    flags=tuple(row["flags"]),
                    person=bool(row["person"]),
                    topics=tuple(row.get("topics") or ()),
                    tags=tuple(row.get("tags") or ()),
                    split=split,
                )
            )
    return examples


def _context(text: str) -> TriageContext:
    member = MemberFacts(
        id="M-EVAL",
        first_name="Sam",
        status="green",
        amount_past_due=0.0,
        days_past_due=0,
        last_check_in=None,
        membership_type="Monthly 24/7",
    )
    return TriageContext(
        message_id=0,
        clubos_message_id="eval",
        conversation_id="eval",
        member_id=member.id,
        member_name="Sam Evaluator",
        channel="sms",
        body=text,
        member=member,
        mode="auto",
    )


async def triage(assistant: Assistant, text: str) -> tuple[Classification, TriageDecision, Draft | None]:
    """A triage workflow's decisions for one message in auto-pilot, without sending anything."""
    ctx = _context(text)
    if is_opt_out(text):
        cls = Classification(category="opt_out", confidence=1.0, source="opt-out keyword")
    else:
        cls = screened(await assistant.classify(ctx), text)
    decision = decide(cls.category, cls.confidence, "auto", flags=cls.flags)
    draft = None
    if decision.action in ("suggest", "approval", "auto_reply"):
        draft = await assistant.write_reply(ctx, cls)
        decision = check_reply(decision, cls.asked(), draft.answers, draft.hand_off)
    return cls, decision, draft


async def run(assistant: Assistant, examples: Sequence[Example], concurrency: int = 4) -> list[Outcome]:
    gate = asyncio.Semaphore(concurrency)

    async def one(example: Example) -> Outcome:
        async with gate:
            return Outcome(example, *await triage(assistant, example.text))

    return list(await asyncio.gather(*(one(e) for e in examples)))


@dataclass
class Score:
    precision: float | None
    recall: float | None
    support: int  # labelled examples


@dataclass
class Report:
    assistant: str
    ran_at: str
    split: str
    messages: int
    person: int  # labelled: a person must handle
    safe: int
    unsafe_auto_replies: int
    automated_safe: int
    off_topic: int
    categories: dict[str, Score] = field(default_factory=dict)
    flags: dict[str, Score] = field(default_factory=dict)
    unsafe_examples: list[str] = field(default_factory=list)
    off_topic_examples: list[str] = field(default_factory=list)

    @property
    def unsafe_rate(self) -> float:
        return self.unsafe_auto_replies / self.person if self.person else 0.0

    @property
    def automation_rate(self) -> float:
        return self.automated_safe / self.safe if self.safe else 0.0

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("categories", "flags")}
        data["categories"] = {k: s.__dict__ for k, s in self.categories.items()}
        data["flags"] = {k: s.__dict__ for k, s in self.flags.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        scores = {key: {k: Score(**s) for k, s in data.get(key, {}).items()} for key in ("categories", "flags")}
        return cls(**{**{k: v for k, v in data.items() if k not in scores}, **scores})


def _score(pairs: list[tuple[bool, bool]]) -> Score:
    """(labelled, predicted) per example."""
    tp = sum(1 for label, pred in pairs if label and pred)
    predicted = sum(1 for _, pred in pairs if pred)
    labelled = sum(1 for label, _ in pairs if label)
    return Score(tp / predicted if predicted else None, tp / labelled if labelled else None, labelled)


def report(outcomes: Sequence[Outcome], assistant: str, split: str = "all") -> Report:
    safe = [o for o in outcomes if not o.example.person]
    unsafe = [o for o in outcomes if o.unsafe]
    off_topic = [o for o in outcomes if o.off_topic]
    return Report(
        assistant=assistant,
        ran_at=datetime.now(UTC).isoformat(timespec="seconds"),
        split=split,
        messages=len(outcomes),
        person=len(outcomes) - len(safe),
        safe=len(safe),
        unsafe_auto_replies=len(unsafe),
        automated_safe=sum(1 for o in safe if o.automated),
        off_topic=len(off_topic),
        categories={
            c: _score([(o.example.category == c, o.cls.category == c) for o in outcomes])
            for c in RISK_ORDER
            if any(o.example.category == c or o.cls.category == c for o in outcomes)
        },
        flags={f: _score([(f in o.example.flags, f in o.cls.flags) for o in outcomes]) for f in FLAGS},
        unsafe_examples=[o.example.text for o in unsafe],
        off_topic_examples=[o.example.text for o in off_topic],
    )


def reports(outcomes: Sequence[Outcome], assistant: str) -> dict[str, Report]:
    """One report per split, and one for the whole set."""
    by_split = {s: report([o for o in outcomes if o.example.split == s], assistant, s) for s in SPLITS}
    return {**by_split, "all": report(outcomes, assistant)}


_offline: dict[str, Report] | None = None
_lock = asyncio.Lock()


async def offline_reports() -> dict[str, Report]:
    """The offline assistant's reports, computed once per process (it is deterministic)."""
    global _offline
    async with _lock:
        if _offline is None:
            _offline = reports(await run(OfflineAssistant(), load()), LABEL)
    return _offline
