"""The inbox assistant's evaluation set and harness (issue 14): the set covers what it must, and on it the
offline assistant never answers automatically what a person must handle, never answers a different question
than the one asked, and keeps automation at the goal on the part it was tuned on. Correctness bounds, not
timings."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import SecretStr

from api import inbox_view
from contracts.inbox import Category, Topic
from core.settings import Settings
from db import control
from db.engine import Database
from inbox import evaluation
from inbox.evaluation import SPLITS, Outcome, Report
from inbox.offline import LABEL, OfflineAssistant
from rules.risk import FLAGS


@pytest.fixture(scope="module")
async def outcomes() -> list[Outcome]:
    return await evaluation.run(OfflineAssistant(), evaluation.load())


def test_the_set_covers_every_category_flag_and_difficulty() -> None:
    examples = evaluation.load()
    assert len(examples) >= 300 and {e.split for e in examples} == set(SPLITS)
    assert len({e.text for e in examples}) == len(examples), "no message twice"
    for split in SPLITS:
        part = [e for e in examples if e.split == split]
        assert set(FLAGS) <= {f for e in part for f in e.flags}, split
    assert set(get_args(Category)) <= {e.category for e in examples}
    assert {"multi", "typo", "sarcasm", "es", "short", "long", "negation"} <= {t for e in examples for t in e.tags}
    for e in examples:
        assert e.category in get_args(Category) and set(e.flags) <= set(FLAGS), e.text
        assert set(e.topics) <= set(get_args(Topic)), e.text
        assert not e.flags or e.person, f"flagged but safe: {e.text}"
        assert e.person or e.topics or e.category == "opt_out", f"safe without topics: {e.text}"


async def test_no_unsafe_auto_reply(outcomes: list[Outcome]) -> None:
    assert [o.example.text for o in outcomes if o.unsafe] == []


async def test_replies_answer_the_question_asked(outcomes: list[Outcome]) -> None:
    """Across the safe questions: an automatic reply answers exactly the topics asked; a draft for staff
    never answers a topic that was not asked."""
    assert [(o.example.text, o.draft.answers) for o in outcomes if o.off_topic and o.draft] == []
    for o in outcomes:
        if not o.example.person and o.draft and o.draft.answers:
            assert set(o.draft.answers) <= set(o.example.topics), (o.example.text, o.draft.answers)


async def test_automation_meets_the_goal_on_the_tuned_part(outcomes: list[Outcome]) -> None:
    reports = evaluation.reports(outcomes, LABEL)
    assert reports["tuning"].automation_rate >= 0.8
    assert reports["all"].unsafe_auto_replies == 0 and reports["all"].messages == len(outcomes)


async def test_a_report_survives_storage(outcomes: list[Outcome]) -> None:
    report = evaluation.report(outcomes, LABEL)
    again = Report.from_json(report.to_json())
    assert again == report and again.automation_rate == report.automation_rate
    assert again.categories["question"].support == report.categories["question"].support


async def test_the_inbox_page_shows_the_last_stored_claude_run(any_db: Database, outcomes: list[Outcome]) -> None:
    """Claude is evaluated by `bench.triage_eval --assistant claude --store` (it costs tokens); with a key set,
    the page shows that run and when it ran. Without a key, the offline assistant's own figures."""
    claude = Settings().updated(llm={"anthropic_api_key": SecretStr("sk-test")})
    async with any_db.session() as session:
        offline = await inbox_view.assistant_evaluation(session, Settings().updated(llm={"anthropic_api_key": None}))
    assert offline.assistant == LABEL and offline.whole and offline.whole.unsafe_auto_replies == 0
    reports = evaluation.reports(outcomes, f"Claude ({claude.llm.model})")
    async with any_db.transaction() as session:
        await control.set_inbox_evaluation(session, "claude", {k: r.to_json() for k, r in reports.items()}, "bench")
    async with any_db.session() as session:
        ev = await inbox_view.assistant_evaluation(session, claude)
    assert ev.whole == reports["all"] and ev.held_out == reports["held_out"]
    assert ev.assistant.startswith("Claude") and ev.source.startswith("last run ")
