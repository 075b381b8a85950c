"""Workflow code: an update's actor is checked against the users table before anything is applied.

The API puts the signed-in user into every update, but anyone who reaches Temporal can send an update
with any `actor` in it ("manager"). So the workflow asks an activity whether that actor is an enabled
user with that role, one of the roles the update needs, and refuses (ActorRefused) otherwise.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.actors import ActorActivities
    from contracts.actors import Actor, ActorCheck, Role
    from workflows import retry_policies

VERIFY_ACTOR = "verify-actor"
MANAGER: tuple[Role, ...] = ("manager",)
CSM_OR_MANAGER: tuple[Role, ...] = ("csm", "manager")


def _patched() -> bool:
    """Updates accepted before this existed replay without the check. One marker per update: `patched` is
    memoised for a whole run, so with one id a renewal (it lives for months) that replayed an older update
    would skip the check for every later one."""
    info = workflow.current_update_info()  # always an update today (decisions and renewal changes)
    return workflow.patched(f"{VERIFY_ACTOR}:{info.id if info is not None else 'outside-an-update'}")


async def verify_actor(actor: Actor, roles: tuple[Role, ...]) -> None:
    if not _patched():
        return
    verdict = await workflow.execute_activity_method(
        ActorActivities.verify_actor,
        ActorCheck(actor=actor, roles=list(roles)),
        start_to_close_timeout=retry_policies.SHORT,
        retry_policy=retry_policies.INTERNAL,
    )
    if not verdict.ok:
        raise ApplicationError(f"refused: {verdict.reason}", type="ActorRefused", non_retryable=True)
