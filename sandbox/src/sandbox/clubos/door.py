"""Door access: lock or unlock a member's key fob, with an access log entry for every request (the log
and the members' door state are kept in the state file)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sandbox.clubos.models import DoorState, Member, iso
from sandbox.persist import MEMORY, StateStore

DoorAction = Literal["lock", "unlock"]


@dataclass(frozen=True)
class DoorAccessEntry:
    id: str
    member_id: str
    member_name: str
    action: DoorAction
    reason: str
    previous: DoorState
    door_access: DoorState
    at: datetime
    idempotency_key: str | None = None

    @property
    def changed(self) -> bool:
        return self.previous != self.door_access

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "member_id": self.member_id,
            "member_name": self.member_name,
            "action": self.action,
            "reason": self.reason,
            "previous": self.previous,
            "door_access": self.door_access,
            "changed": self.changed,
            "at": iso(self.at),
        }

    def result(self) -> dict[str, Any]:
        """The answer to the request that wrote this entry."""
        return {
            "member_id": self.member_id,
            "door_access": self.door_access,
            "previous": self.previous,
            "changed": self.changed,
            "log_id": self.id,
            "reason": self.reason,
            "at": iso(self.at),
        }


class DoorAccess:
    def __init__(self, clock: Callable[[], datetime], store: StateStore = MEMORY) -> None:
        self._clock = clock
        self._store = store
        self._stored = store.table("clubos.door_log", DoorAccessEntry, key=lambda entry: entry.id)
        self._members = store.table("clubos.members", Member, key=lambda member: member.id)
        self.log: list[DoorAccessEntry] = self._stored.load()
        self._by_id = {entry.id: entry for entry in self.log}
        self._numbers = itertools.count(len(self.log) + 1)

    def get(self, entry_id: str) -> DoorAccessEntry | None:
        return self._by_id.get(entry_id)

    def apply(
        self, member: Member, action: DoorAction, reason: str, idempotency_key: str | None = None
    ) -> DoorAccessEntry:
        """Set the member's access. Locking a locked fob changes nothing but is still logged, as the
        request itself is worth an audit line."""
        previous = member.door_access
        member.door_access = "locked" if action == "lock" else "unlocked"
        entry = DoorAccessEntry(
            id=f"DA{900_000 + next(self._numbers)}",
            member_id=member.id,
            member_name=member.name,
            action=action,
            reason=reason,
            previous=previous,
            door_access=member.door_access,
            at=self._clock(),
            idempotency_key=idempotency_key,
        )
        self.log.append(entry)
        self._by_id[entry.id] = entry
        with self._store.transaction():
            self._stored.put(entry)
            self._members.put(member)
        return entry

    def entries(self, member_id: str | None = None) -> list[DoorAccessEntry]:
        """Newest first."""
        return [entry for entry in reversed(self.log) if member_id in (None, entry.member_id)]
