"""Who did something: a signed-in user (or API key) acting on a renewal or an approval."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Role = Literal["manager", "csm", "operator"]


class Actor(BaseModel):
    email: str
    role: Role
    name: str | None = None


class ActorCheck(BaseModel):
    """Asks whether `actor` is an enabled user whose role (in the database) is theirs and one of `roles`."""

    actor: Actor
    roles: list[Role]


class ActorVerdict(BaseModel):
    ok: bool
    reason: str = ""
