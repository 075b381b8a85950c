"""What the inbox assistant does with a classified member message (seed 004).

  opt-out words            -> suppression list and one confirmation
  complaints               -> a person, always
  confidence below 0.6     -> a person
  payment processing, cancellations, refunds, contract changes
                           -> a drafted reply waits for a manager's approval
  safe categories (questions, scheduling, confirmations, praise, and billing
  questions from members who are not past due) with confidence 0.8+
                           -> answered automatically
  anything else            -> a draft for staff
The club's mode caps the rest: "off" does nothing, "suggest" never sends on its own.
Opt-out is compliance, not an AI feature: it applies in every mode, even "off",
and even while staff handle the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["none", "opt_out", "escalate", "approval", "suggest", "auto_reply"]
Mode = Literal["off", "suggest", "auto"]

SAFE = frozenset({"question", "scheduling", "confirmation", "praise", "payment_inquiry"})
NEEDS_APPROVAL = frozenset({"payment_processing", "cancellation", "refund", "contract_change"})
AUTO_MIN_CONFIDENCE = 0.8
LOW_CONFIDENCE = 0.6


@dataclass(frozen=True)
class TriageDecision:
    action: Action
    reason: str


def decide(
    category: str, confidence: float, mode: Mode, *, member_past_due: bool = False, staff_handling: bool = False
) -> TriageDecision:
    if category == "opt_out":  # before the mode: STOP is honoured whatever the club's setting
        return TriageDecision("opt_out", "the member asked to stop receiving messages")
    if mode == "off":
        return TriageDecision("none", "the AI assistant is off for this club")
    if staff_handling:
        return TriageDecision("none", "staff took over this conversation")
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
    return TriageDecision("suggest", f"not confident enough ({confidence:.2f}) to answer alone; draft for staff")
