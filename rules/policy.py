"""What an autonomous agent may do on its own, decided in code (seed 000).

High-risk actions wait for a manager, whatever the model says:
  - locking or unlocking door access for more than 10 members (counted over the whole
    run, locks and unlocks together, so ten calls of nine members each cannot slip under it);
  - a campaign or message batch to more than 100 recipients (likewise cumulative);
  - a collections referral list, always;
  - changing a workflow's schedule, always;
  - model-written text (a message or campaign body) to more than `Limits.model_text` recipients in a run
    (a setting, default 10): an injected instruction must not reach many people without a human;
  - over the club's day, across runs: more door changes or recipients by one agent than `Limits` allows,
    or a message to a member whom agents already messaged `messages_per_member_per_day` times.
With the agent's "approval required" setting on, every side-effecting action
waits for approval. The kill switch stops every side effect.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Risk(StrEnum):
    READ_ONLY = "read-only"
    SIDE_EFFECTING = "side-effecting"
    HIGH_RISK = "high-risk"


class Decision(StrEnum):
    ALLOW = "allow"
    APPROVE = "approve"  # wait for a manager
    DENY = "deny"


LOCK_LIMIT = 10
RECIPIENT_LIMIT = 100
ALWAYS_APPROVE = frozenset({"build_collections_referral_list", "change_schedule"})
LOCKING = frozenset({"lock_door_access"})
DOOR_CHANGES = frozenset({"lock_door_access", "unlock_door_access"})  # capped together: an injected
# instruction must not open every locked member's door any more than it may lock everyone out
MESSAGING = frozenset({"send_payment_reminders", "send_message", "send_bulk_campaign"})
MODEL_TEXT = frozenset({"send_message", "send_bulk_campaign"})  # the body is what the model wrote


@dataclass(frozen=True)
class Limits:
    model_text: int = 10  # recipients of model-written text per run without approval
    door_changes_per_day: int = 10  # locks and unlocks by one agent, all its runs
    recipients_per_day: int = 100  # messages by one agent, all its runs
    messages_per_member_per_day: int = 2  # messages to one member or prospect, all agents


@dataclass(frozen=True)
class Today:
    """The club's day so far, counted from the outbox across runs, plus this step's calls not yet done."""

    door_changes: int = 0  # by this agent
    recipients: int = 0  # messaged by this agent
    members_at_limit: int = 0  # of this call's targets: already messaged the most a day allows


@dataclass(frozen=True)
class ActionContext:
    tool: str
    risk: Risk
    targets: int  # members / recipients this call touches
    locked_so_far: int = 0  # door locks and unlocks already approved or done in this run
    messaged_so_far: int = 0  # recipients already approved or messaged in this run
    approval_required: bool = False  # the agent's setting
    kill_switch: bool = False
    model_wrote: bool = True  # False: the offline planner's own templates wrote the text, not a model
    today: Today | None = None  # None: a run from before the daily limits (it replays as it ran)
    limits: Limits = Limits()


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reason: str


def evaluate(ctx: ActionContext) -> Verdict:
    if ctx.risk is Risk.READ_ONLY:
        return Verdict(Decision.ALLOW, "read-only")
    if ctx.kill_switch:
        return Verdict(Decision.DENY, "the kill switch is on: all sending and changes are stopped")
    if ctx.tool in ALWAYS_APPROVE:
        return Verdict(Decision.APPROVE, f"{ctx.tool.replace('_', ' ')} always needs a manager's approval")
    if ctx.tool in DOOR_CHANGES and ctx.locked_so_far + ctx.targets > LOCK_LIMIT:
        total, verb = ctx.locked_so_far + ctx.targets, "locking" if ctx.tool in LOCKING else "unlocking"
        return Verdict(Decision.APPROVE, f"{verb} door access for {total} members (more than {LOCK_LIMIT})")
    if ctx.tool in MESSAGING and ctx.messaged_so_far + ctx.targets > RECIPIENT_LIMIT:
        total = ctx.messaged_so_far + ctx.targets
        return Verdict(Decision.APPROVE, f"messaging {total} recipients in one run (more than {RECIPIENT_LIMIT})")
    if ctx.today is not None and (verdict := _daily(ctx, ctx.today, ctx.limits)) is not None:
        return verdict
    # Other high-risk tools always wait; door locks are governed by the limit above.
    if (ctx.risk is Risk.HIGH_RISK and ctx.tool not in LOCKING) or ctx.approval_required:
        why = "high-risk action" if ctx.risk is Risk.HIGH_RISK else "this agent requires approval for every action"
        return Verdict(Decision.APPROVE, why)
    return Verdict(Decision.ALLOW, "within policy limits")


def _daily(ctx: ActionContext, today: Today, limits: Limits) -> Verdict | None:
    if ctx.model_wrote and ctx.tool in MODEL_TEXT and ctx.messaged_so_far + ctx.targets > limits.model_text:
        total = ctx.messaged_so_far + ctx.targets
        why = f"text written by the AI to {total} recipients (more than {limits.model_text})"
        return Verdict(Decision.APPROVE, why)
    if ctx.tool in DOOR_CHANGES and today.door_changes + ctx.targets > limits.door_changes_per_day:
        total = today.door_changes + ctx.targets
        why = f"{total} door changes by this agent today (more than {limits.door_changes_per_day} a day)"
        return Verdict(Decision.APPROVE, why)
    if ctx.tool in MESSAGING and today.recipients + ctx.targets > limits.recipients_per_day:
        total = today.recipients + ctx.targets
        why = f"{total} recipients messaged by this agent today (more than {limits.recipients_per_day} a day)"
        return Verdict(Decision.APPROVE, why)
    if ctx.tool in MESSAGING and today.members_at_limit:
        most = limits.messages_per_member_per_day
        why = f"{today.members_at_limit} of these already got {most} messages from agents today (at most {most} a day)"
        return Verdict(Decision.APPROVE, why)
    return None


def members_at_limit(ids: Iterable[str], sent_today: Mapping[str, int], pending: Counter[str], most: int) -> int:
    """How many of `ids` already had `most` messages today (sent, or asked for earlier in this step)."""
    return sum(1 for i in set(ids) if sent_today.get(i, 0) + pending[i] >= most)
