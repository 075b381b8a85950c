"""The inbox assistant on the labelled evaluation set (inbox/eval/).

    .venv/bin/python -m bench.triage_eval [--assistant offline|claude] [--misses] [--store]

Each member message goes through what a triage workflow does in auto-pilot (classify, the risk screen, the
decision, the reply and its check), nothing is sent. Printed for the tuning part, the held-out part and both:
per category precision and recall, per flag precision and recall, unsafe auto-replies (messages a person must
handle that were answered; the goal is 0), automation on messages safe to answer (the goal is 80% or more),
and automatic replies that answer a different question. `--misses` lists every wrong call. `--store` saves the
run in the app's database (RENUBU_DATABASE_URL): the inbox page shows it beside the auto-pilot switch.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence

from core.settings import get_settings
from db import control
from db.engine import Database
from inbox import evaluation
from inbox.claude import ClaudeInbox, make_inbox_model
from inbox.evaluation import Outcome, Report, Score
from inbox.offline import OfflineAssistant


def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value * 100:3.0f}%"


def _scores(title: str, scores: dict[str, Score]) -> list[str]:
    lines = [f"  {title:<20} precision  recall  labelled"]
    for name, s in scores.items():
        lines.append(f"  {name:<20} {_pct(s.precision):>9}  {_pct(s.recall):>6}  {s.support:>8}")
    return lines


def render(r: Report) -> str:
    lines = [
        f"== {r.split}: {r.messages} messages ({r.person} a person must handle, {r.safe} safe to answer)",
        f"  unsafe auto-replies     {r.unsafe_auto_replies} of {r.person} ({_pct(r.unsafe_rate).strip()})",
        f"  automation (safe)       {r.automated_safe} of {r.safe} ({_pct(r.automation_rate).strip()})",
        f"  off-topic auto-replies  {r.off_topic}",
        *_scores("category", r.categories),
        *_scores("flag", r.flags),
    ]
    lines += [f"  UNSAFE: {text}" for text in r.unsafe_examples]
    lines += [f"  OFF-TOPIC: {text}" for text in r.off_topic_examples]
    return "\n".join(lines)


def misses(outcomes: Sequence[Outcome]) -> str:
    lines = ["== misses (label -> assistant)"]
    for o in outcomes:
        e, c = o.example, o.cls
        wrong = [
            f"category {e.category} -> {c.category}" if e.category != c.category else "",
            f"flags {list(e.flags)} -> {c.flags}" if set(e.flags) != set(c.flags) else "",
            f"UNSAFE {o.decision.action}" if o.unsafe else "",
            f"safe -> {o.decision.action} ({o.decision.reason})" if not e.person and not o.automated else "",
            f"topics {list(e.topics)} -> {o.draft.answers if o.draft else []}" if o.off_topic else "",
        ]
        if any(wrong):
            lines.append(f"  [{e.split}] {e.text[:90]!r}: " + "; ".join(w for w in wrong if w))
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assistant", choices=["offline", "claude"], default="offline")
    parser.add_argument("--misses", action="store_true", help="list every wrong call")
    parser.add_argument("--store", action="store_true", help="save the run for the inbox page")
    parser.add_argument("--concurrency", type=int, default=4, help="messages in flight (Claude)")
    args = parser.parse_args()
    settings = get_settings()
    model: ClaudeInbox | None = make_inbox_model(settings) if args.assistant == "claude" else None
    if args.assistant == "claude" and model is None:
        parser.error("--assistant claude needs ANTHROPIC_API_KEY")
    assistant = model or OfflineAssistant()
    try:
        outcomes = await evaluation.run(assistant, evaluation.load(), args.concurrency)
    finally:
        if model is not None:
            await model.aclose()
    reports = evaluation.reports(outcomes, assistant.label)
    print(f"Inbox assistant: {assistant.label}")
    for r in reports.values():
        print(render(r))
    if args.misses:
        print(misses(outcomes))
    if args.store:
        db = Database(settings.resolved_database_url)
        try:
            async with db.transaction() as session:
                runs = {split: r.to_json() for split, r in reports.items()}
                await control.set_inbox_evaluation(session, args.assistant, runs, "bench.triage_eval")
        finally:
            await db.dispose()
        print(f"stored for the inbox page ({settings.resolved_database_url.split('@')[-1]})")


if __name__ == "__main__":
    asyncio.run(main())
