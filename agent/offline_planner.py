"""The offline planner: what each agent does, step by step, without a model.

Deterministic rules over the run's transcript, so a club without an API key
still gets the six workflows, and every step says it came from this planner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts.campaigns import AgentConfig, PlanStep, ToolCall, ToolResultTurn, Turn

LABEL_PREFIX = "Offline planner"  # its messages are our templates, not model-written text (rules.policy)
NO_KEY = f"{LABEL_PREFIX} (no ANTHROPIC_API_KEY)"
FALLBACK = f"{LABEL_PREFIX} (fallback after model error)"
CAMPAIGNS_PER_DAY = 20
PER_CAMPAIGN = 5


def _results(transcript: list[Turn]) -> dict[str, ToolResultTurn]:
    """The latest result of each tool so far."""
    return {r.name: r for turn in transcript if turn.role == "tool" for r in turn.results}


def _call(iteration: int, index: int, tool: str, **args: Any) -> ToolCall:
    return ToolCall(id=f"{iteration}-{index}", name=tool, input=args)


Step = tuple[str, list[ToolCall]] | str  # (thinking, calls) or a final summary


def _past_due_monitor(done: dict[str, ToolResultTurn], it: int, last: list[ToolResultTurn]) -> Step:
    if "get_past_due_members" not in done:
        return "Checking past-due balances and door access.", [_call(it, 0, "get_past_due_members")]
    if "lock_door_access" not in done:
        return (
            f"{done['get_past_due_members'].summary} Members 10 or more days past due keep gym access only "
            "until they settle up, so I'm locking door access for those whose access is still open.",
            [
                _call(
                    it,
                    0,
                    "lock_door_access",
                    min_days_past_due=10,
                    reason="Balance 10+ days past due; access is restored as soon as it is paid",
                )
            ],
        )
    return f"{done['get_past_due_members'].summary} {done['lock_door_access'].summary}"


def _payment_reminders(done: dict[str, ToolResultTurn], it: int, last: list[ToolResultTurn]) -> Step:
    if "get_past_due_members" not in done:
        return "Looking up who owes a balance today.", [_call(it, 0, "get_past_due_members")]
    if "send_payment_reminders" not in done:
        return (
            f"{done['get_past_due_members'].summary} Each gets a short, friendly note with their own amount "
            "and payment link.",
            [_call(it, 0, "send_payment_reminders", min_days_past_due=0)],
        )
    return done["send_payment_reminders"].summary


def _collections(done: dict[str, ToolResultTurn], it: int, last: list[ToolResultTurn]) -> Step:
    if "get_collections_summary" not in done:
        return "Reviewing past-due balances by age.", [_call(it, 0, "get_collections_summary")]
    if "build_collections_referral_list" not in done:
        return (
            f"{done['get_collections_summary'].summary} Balances 60+ days past due go to the collections "
            "partner; a manager reviews the list first.",
            [_call(it, 0, "build_collections_referral_list", min_days_past_due=60)],
        )
    return done["build_collections_referral_list"].summary


def _re_engagement(done: dict[str, ToolResultTurn], it: int, last: list[ToolResultTurn]) -> Step:
    if "get_inactive_members" not in done:
        return "Finding members who haven't been in for a month.", [_call(it, 0, "get_inactive_members", days=30)]
    if "draft_message" not in done:
        return (
            f"{done['get_inactive_members'].summary} A warm, no-pressure invitation back works best.",
            [
                _call(
                    it,
                    0,
                    "draft_message",
                    purpose="invite the member back to the gym this week",
                    audience="members in good standing who have not checked in for 30 days",
                )
            ],
        )
    if "send_bulk_campaign" not in done:
        body = str(done["draft_message"].data.get("text") or "")
        return (
            "Sending the invitation to members inactive 30+ days.",
            [
                _call(
                    it,
                    0,
                    "send_bulk_campaign",
                    name="We miss you",
                    channel="sms",
                    body=body,
                    audience={"kind": "members", "member_status": "green", "inactive_days": 30, "limit": 100},
                )
            ],
        )
    return done["send_bulk_campaign"].summary


def _prospects(done: dict[str, ToolResultTurn], it: int, last: list[ToolResultTurn]) -> Step:
    if "get_campaign_prospects" not in done:
        return (
            "Looking for prospects nobody has contacted for a week.",
            [_call(it, 0, "get_campaign_prospects", not_contacted_days=7, limit=5000)],
        )
    if "send_bulk_campaign" not in done:
        body = (
            "Hi {first_name}, it's the team at the club! Still thinking about joining? Come try us this week "
            "with a free guest pass, just reply YES and we'll set it up."
        )
        return (
            f"{done['get_campaign_prospects'].summary} Following up with the 60 most recent.",
            [
                _call(
                    it,
                    0,
                    "send_bulk_campaign",
                    name="Guest pass follow-up",
                    channel="sms",
                    body=body,
                    audience={"kind": "prospects", "not_contacted_days": 7, "limit": 60},
                )
            ],
        )
    return done["send_bulk_campaign"].summary


def _daily_campaigns(done: dict[str, ToolResultTurn], it: int, last: list[ToolResultTurn]) -> Step:
    reads = ("get_member_summary", "get_green_members", "get_campaign_prospects")
    if any(r not in done for r in reads):
        return (
            "Reviewing the membership and the prospect pipeline to pick today's campaigns.",
            [
                _call(it, 0, "get_member_summary"),
                _call(it, 1, "get_green_members", limit=1000),
                _call(it, 2, "get_campaign_prospects", not_contacted_days=0, limit=5000),
            ],
        )
    if "send_bulk_campaign" not in done:
        segments = [
            *done["get_campaign_prospects"].data.get("segments", []),
            *done["get_green_members"].data.get("segments", []),
        ]
        segments.sort(key=lambda s: (-int(s.get("count", 0)), str(s.get("key"))))
        chosen = segments[:CAMPAIGNS_PER_DAY]
        calls = [
            _call(
                it,
                i,
                "send_bulk_campaign",
                name=str(s["name"]),
                channel="sms",
                body=str(s["message"]),
                audience={"kind": s["kind"], "ids": list(s["ids"])[:PER_CAMPAIGN]},
            )
            for i, s in enumerate(chosen)
        ]
        reach = sum(min(len(s["ids"]), PER_CAMPAIGN) for s in chosen)
        return (
            f"{done['get_green_members'].summary} {done['get_campaign_prospects'].summary} Picked the "
            f"{len(calls)} largest segments and will send each its own message ({reach} people in all).",
            calls,
        )
    sends = [r for r in last if r.name == "send_bulk_campaign"]
    ok = [r for r in sends if r.ok]
    people = sum(int(r.data.get("sent", 0)) for r in ok)
    return f"Sent {len(ok)} of {len(sends)} campaigns today, reaching {people} people."


PLANS: dict[str, Callable[[dict[str, ToolResultTurn], int, list[ToolResultTurn]], Step]] = {
    "past_due_monitor": _past_due_monitor,
    "payment_reminders": _payment_reminders,
    "collections_referral": _collections,
    "re_engagement": _re_engagement,
    "prospect_follow_up": _prospects,
    "daily_campaigns": _daily_campaigns,
}


def plan(config: AgentConfig, transcript: list[Turn], iteration: int, label: str = NO_KEY) -> PlanStep:
    rule = PLANS.get(config.id)
    if rule is None:
        return PlanStep(
            thinking=f"The offline planner has no plan for {config.name}; nothing to do.",
            final="No offline plan for this agent.",
            planner=label,
        )
    last = transcript[-1].results if transcript and transcript[-1].role == "tool" else []
    step = rule(_results(transcript), iteration, last)
    if isinstance(step, str):
        return PlanStep(thinking=step, final=step, planner=label)
    thinking, calls = step
    return PlanStep(thinking=thinking, calls=calls, planner=label)
