"""Checking who a workflow update claims to come from against the users table."""

from __future__ import annotations

from temporalio import activity

from contracts.actors import ActorCheck, ActorVerdict
from db import users
from db.engine import Database


class ActorActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name="verify_actor")
    async def verify_actor(self, check: ActorCheck) -> ActorVerdict:
        async with self.db.session() as session:
            reason = await users.refusal(session, check.actor.email, check.actor.role, list(check.roles))
        return ActorVerdict(ok=reason is None, reason=reason or "")
