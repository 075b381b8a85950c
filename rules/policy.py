"""What an autonomous agent may do on its own, decided in code (seed 000).

High-risk actions wait for a manager, whatever the model says:
  - locking or unlocking door access for more than 10 members (counted over the whole
    run, locks and unlocks together, so ten calls of nine members each cannot slip under it);
  - a campaign or message batch to more than 100 recipients (likewise cumulative);
  - a collections referral list, always;
  - changing a workflow's schedule, always.
With the agent's "approval required" setting on, every side-effecting action
waits for approval. The kill switch stops every side effect.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class ActionContext:
    tool: str
    risk: Risk
    targets: int  # members / recipients this call touches
    locked_so_far: int = 0  # door locks and unlocks already approved or done in this run
    messaged_so_far: int = 0  # recipients already approved or messaged in this run
    approval_required: bool = False  # the agent's setting
    kill_switch: bool = False


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
    # Other high-risk tools always wait; door locks are governed by the limit above.
    if (ctx.risk is Risk.HIGH_RISK and ctx.tool not in LOCKING) or ctx.approval_required:
        why = "high-risk action" if ctx.risk is Risk.HIGH_RISK else "this agent requires approval for every action"
        return Verdict(Decision.APPROVE, why)
    return Verdict(Decision.ALLOW, "within policy limits")
