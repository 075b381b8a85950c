"""What the inbox assistant does with a classified member message (seed 004, issue 14).

  opt-out words            -> suppression list and one confirmation
  a risk flag (rules.risk) -> a person, always, with the flag as the reason
  complaints               -> a person, always
  confidence below 0.6     -> a person
  payment processing, cancellations, refunds, contract changes
                           -> a drafted reply waits for a manager's approval
  safe categories (questions, scheduling, confirmations, praise, and billing
  questions from members who are not past due) with confidence 0.8+
                           -> answered automatically, if the reply answers every question asked
  anything else            -> a draft for staff
The club's mode caps the rest: "off" does nothing, "suggest" never sends on its own.
Opt-out is compliance, not an AI feature: it applies in every mode, even "off",
and even while staff handle the conversation.

A message is classified as a whole: every clause's intent counts, the riskiest decides the category
(whole_message), and each intent beyond the first lowers the confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rules.risk import describe

Action = Literal["none", "opt_out", "escalate", "approval", "suggest", "auto_reply"]
Mode = Literal["off", "suggest", "auto"]

SAFE = frozenset({"question", "scheduling", "confirmation", "praise", "payment_inquiry"})
NEEDS_APPROVAL = frozenset({"payment_processing", "cancellation", "refund", "contract_change"})
# Riskiest first: in a message with several intents, the first of these present is the category.
RISK_ORDER = (
    "opt_out",
    "complaint",
    "cancellation",
    "refund",
    "contract_change",
    "payment_processing",
    "other",
    "payment_inquiry",
    "scheduling",
    "question",
    "confirmation",
    "praise",
)
AUTO_MIN_CONFIDENCE = 0.8
LOW_CONFIDENCE = 0.6
UNKNOWN_CONFIDENCE = 0.4  # a message in which nothing was recognised
EXTRA_INTENT_PENALTY = 0.05  # each intent beyond the first: more to get right, less certain


@dataclass(frozen=True)
class TriageDecision:
    action: Action
    reason: str


def risk_rank(category: str) -> int:
    return RISK_ORDER.index(category) if category in RISK_ORDER else RISK_ORDER.index("other")


def whole_message(intents: Sequence[tuple[str, float]]) -> tuple[str, float]:
    """(category, confidence) of a message from its intents: the riskiest category, and the least certain
    intent's confidence lowered for every other intent."""
    if not intents:
        return "other", UNKNOWN_CONFIDENCE
    category = min((c for c, _ in intents), key=risk_rank)
    confidence = min(conf for _, conf in intents) - EXTRA_INTENT_PENALTY * (len(intents) - 1)
    return category, round(max(confidence, 0.0), 4)


def decide(
    category: str,
    confidence: float,
    mode: Mode,
    *,
    member_past_due: bool = False,
    staff_handling: bool = False,
    flags: Sequence[str] = (),
) -> TriageDecision:
    if category == "opt_out":  # before the mode: STOP is honoured whatever the club's setting
        return TriageDecision("opt_out", "the member asked to stop receiving messages")
    if mode == "off":
        return TriageDecision("none", "the AI assistant is off for this club")
    if staff_handling:
        flagged = f" (flagged: {describe(flags)})" if flags else ""
        return TriageDecision("none", f"staff took over this conversation{flagged}")
    if flags:
        return TriageDecision("escalate", f"flagged {describe(flags)}: a person must handle this")
    if category == "complaint":
        return TriageDecision("escalate", "complaints always go to a person")
    if confidence < LOW_CONFIDENCE:
        return TriageDecision("escalate", f"low confidence ({confidence:.2f}) in what the member wants")
    if category in NEEDS_APPROVAL:
        if mode == "suggest":
            return TriageDecision("suggest", f"{category.replace('_', ' ')}: staff decide; a draft is ready")
        return TriageDecision("approval", f"{category.replace('_', ' ')} needs a manager's approval before replying")
    if category == "payment_inquiry" and member_past_due:
        return TriageDecision("suggest", "billing question from a past-due member: staff should reply")
    if category in SAFE and confidence >= AUTO_MIN_CONFIDENCE:
        if mode == "suggest":
            return TriageDecision("suggest", "suggest mode: staff send the drafted reply")
        return TriageDecision(
            "auto_reply", f"confident ({confidence:.2f}) {category.replace('_', ' ')}, safe to answer"
        )
    if category == "other":
        return TriageDecision(
            "suggest", "part of the message is not something the assistant can answer; draft for staff"
        )
    return TriageDecision("suggest", f"not confident enough ({confidence:.2f}) to answer alone; draft for staff")


def check_reply(
    decision: TriageDecision, asked: Sequence[str], answered: Sequence[str], hand_off: str | None = None
) -> TriageDecision:
    """An automatic reply goes out only if it answers every question asked, and nothing else."""
    if decision.action != "auto_reply":
        return decision
    if hand_off:
        return TriageDecision("suggest", f"{hand_off}; draft for staff")
    missing = [t for t in asked if t not in answered]
    if missing:
        return TriageDecision("suggest", f"the reply does not answer: {_topics(missing)}; draft for staff")
    extra = [t for t in answered if t not in asked]
    if extra:
        return TriageDecision("suggest", f"the reply answers what was not asked: {_topics(extra)}; draft for staff")
    return decision


def _topics(topics: Sequence[str]) -> str:
    return ", ".join(t.replace("_", " ") for t in topics)
