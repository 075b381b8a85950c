import pytest

from rules.policy import ActionContext, Decision, Risk, evaluate


def ctx(tool: str, risk: Risk, targets: int, **kw: object) -> ActionContext:
    return ActionContext(tool=tool, risk=risk, targets=targets, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("targets", "so_far", "expected"),
    [
        (10, 0, Decision.ALLOW),
        (11, 0, Decision.APPROVE),
        (34, 0, Decision.APPROVE),
        (9, 1, Decision.ALLOW),
        (9, 2, Decision.APPROVE),  # cumulative: splitting a batch does not get under the limit
        (1, 10, Decision.APPROVE),
    ],
)
def test_door_locks(targets: int, so_far: int, expected: Decision) -> None:
    verdict = evaluate(ctx("lock_door_access", Risk.HIGH_RISK, targets, locked_so_far=so_far))
    assert verdict.decision is expected


@pytest.mark.parametrize(
    ("targets", "so_far", "expected"),
    [
        (100, 0, Decision.ALLOW),
        (101, 0, Decision.APPROVE),
        (60, 41, Decision.APPROVE),
        (60, 40, Decision.ALLOW),
    ],
)
def test_recipient_limit_is_cumulative(targets: int, so_far: int, expected: Decision) -> None:
    verdict = evaluate(ctx("send_bulk_campaign", Risk.SIDE_EFFECTING, targets, messaged_so_far=so_far))
    assert verdict.decision is expected


@pytest.mark.parametrize("tool", ["build_collections_referral_list", "change_schedule"])
def test_always_approved_actions(tool: str) -> None:
    assert evaluate(ctx(tool, Risk.HIGH_RISK, 0)).decision is Decision.APPROVE


def test_kill_switch_denies_every_side_effect_but_not_reads() -> None:
    assert evaluate(ctx("send_message", Risk.SIDE_EFFECTING, 1, kill_switch=True)).decision is Decision.DENY
    assert evaluate(ctx("get_past_due_members", Risk.READ_ONLY, 0, kill_switch=True)).decision is Decision.ALLOW


def test_approval_required_setting_makes_every_side_effect_wait() -> None:
    verdict = evaluate(ctx("send_message", Risk.SIDE_EFFECTING, 1, approval_required=True))
    assert verdict.decision is Decision.APPROVE and "requires approval" in verdict.reason


def test_reason_names_the_numbers() -> None:
    verdict = evaluate(ctx("lock_door_access", Risk.HIGH_RISK, 34))
    assert verdict.reason == "locking door access for 34 members (more than 10)"
