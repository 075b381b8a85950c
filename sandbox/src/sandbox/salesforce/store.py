"""Task writes with Salesforce's validation rules, and counters that let tests prove exactly-once effects.

Tasks and counters are kept in the state file, so they survive a restart of the sandbox."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sandbox.ids import to_18
from sandbox.models import Account, Case, Opportunity, SandboxData, Task
from sandbox.persist import MEMORY, StateStore
from sandbox.salesforce.schema import find_record, sobject_for_id

TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
TASK_PRIORITIES = ("High", "Normal", "Low")
_TEXT_LIMITS = {"Subject": 255, "Description": 32_000, "Renubu_Key__c": 80}
_WRITABLE = {  # API name -> attribute of models.Task
    "WhatId": "what_id",
    "Subject": "subject",
    "Description": "description",
    "ActivityDate": "activity_date",
    "Status": "status",
    "Priority": "priority",
    "OwnerId": "owner_id",
    "Renubu_Key__c": "renubu_key",
}
_READ_ONLY = ("Id", "AccountId", "IsClosed", "CreatedDate", "LastModifiedDate")


class RecordError(ValueError):
    """A rejected write; `errors` is the Salesforce error list (message, errorCode, fields)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"])
        self.errors = errors


class MultipleMatchesError(LookupError):
    def __init__(self, record_ids: list[str]) -> None:
        super().__init__(record_ids)
        self.record_ids = record_ids


def _error(code: str, message: str, *fields: str) -> dict[str, Any]:
    return {"message": message, "errorCode": code, "fields": list(fields)}


@dataclass
class KeyCounts:
    inserts: int = 0
    updates: int = 0


class TaskStore:
    def __init__(
        self, data: SandboxData, new_id: Iterator[str], clock: Callable[[], datetime], store: StateStore = MEMORY
    ) -> None:
        self.data = data
        self._new_id = new_id
        self._clock = clock
        self._store = store
        self._tasks = store.table("salesforce.tasks", Task, key=lambda task: task.id)
        self._writes = store.table("salesforce.task_writes", tuple[str, KeyCounts], key=lambda row: row[0])
        self.writes_by_key: dict[str, KeyCounts] = dict(self._writes.load())
        for task in self._tasks.load():
            next(self._new_id)  # ids follow one sequence: the next Task gets the one after the last stored
            self.data.tasks.append(task)

    def get(self, task_id: str) -> Task | None:
        task_id = to_18(task_id)
        return next((task for task in self.data.tasks if task.id == task_id), None)

    def by_key(self, key: str) -> list[Task]:
        return [task for task in self.data.tasks if task.renubu_key == key]

    def create(self, body: Mapping[str, Any]) -> Task:
        values = self._validate(body, inserting=True)
        now = self._clock()
        task = Task(
            id=next(self._new_id),
            what_id=None,
            account_id=None,
            subject=None,
            description=None,
            activity_date=None,
            status="Not Started",
            priority="Normal",
            owner_id=self.data.integration_user_id,  # the API connection's "run as" user
            renubu_key=None,
            created=now,
            last_modified=now,
        )
        self._apply(task, values)
        self.data.tasks.append(task)
        with self._store.transaction():
            self._tasks.put(task)
            self._record_write(task.renubu_key, inserted=True)
        return task

    def update(self, task: Task, body: Mapping[str, Any]) -> None:
        self._apply(task, self._validate(body, inserting=False))
        task.last_modified = self._clock()
        with self._store.transaction():
            self._tasks.put(task)
            self._record_write(task.renubu_key, inserted=False)

    def upsert(self, key: str, body: Mapping[str, Any]) -> tuple[Task, bool]:
        """Insert or update by Renubu_Key__c; returns (task, created). Raises MultipleMatchesError."""
        if body.get("Renubu_Key__c", key) != key:
            raise RecordError(
                [_error("INVALID_FIELD", "Renubu_Key__c in the body differs from the URL", "Renubu_Key__c")]
            )
        matches = self.by_key(key)
        if len(matches) > 1:
            raise MultipleMatchesError([task.id for task in matches])
        if matches:
            self.update(matches[0], body)
            return matches[0], False
        return self.create({**body, "Renubu_Key__c": key}), True

    def counts(self) -> dict[str, dict[str, int]]:
        records = Counter(task.renubu_key for task in self.data.tasks if task.renubu_key)
        return {
            key: {"records": records[key], "inserts": counts.inserts, "updates": counts.updates}
            for key, counts in sorted(self.writes_by_key.items())
        }

    def _record_write(self, key: str | None, *, inserted: bool) -> None:
        if key is None:
            return  # only keyed Tasks can be checked for exactly-once creation
        counts = self.writes_by_key.setdefault(key, KeyCounts())
        if inserted:
            counts.inserts += 1
        else:
            counts.updates += 1
        self._writes.put((key, counts))

    def _validate(self, body: Mapping[str, Any], *, inserting: bool) -> dict[str, Any]:
        errors: list[dict[str, Any]] = []
        values: dict[str, Any] = {}
        for name, value in body.items():
            if name in _READ_ONLY:
                message = f"Unable to create/update fields: {name}. Check the field's security settings."
                errors.append(_error("INVALID_FIELD_FOR_INSERT_UPDATE", message, name))
            elif name not in _WRITABLE:
                errors.append(_error("INVALID_FIELD", f"No such column '{name}' on sobject of type Task", name))
            else:
                try:
                    values[name] = self._clean(name, value)
                except RecordError as exc:
                    errors.extend(exc.errors)
        if inserting and not body.get("Subject"):
            errors.append(_error("REQUIRED_FIELD_MISSING", "Required fields are missing: [Subject]", "Subject"))
        if errors:
            raise RecordError(errors)
        return values

    def _clean(self, name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in ("WhatId", "OwnerId"):
            return self._reference(name, value)
        if name == "ActivityDate":
            try:
                return date.fromisoformat(value)
            except (TypeError, ValueError):
                message = f"Cannot deserialize instance of date from VALUE_STRING value {value!r}"
                raise RecordError([_error("JSON_PARSER_ERROR", message, name)]) from None
        if not isinstance(value, str):
            raise RecordError([_error("JSON_PARSER_ERROR", f"Cannot deserialize {name} from {value!r}", name)])
        allowed = {"Status": TASK_STATUSES, "Priority": TASK_PRIORITIES}.get(name)
        if allowed is not None and value not in allowed:
            message = f"{name}: bad value for restricted picklist field: {value}"
            raise RecordError([_error("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", message, name)])
        limit = _TEXT_LIMITS.get(name)
        if limit is not None and len(value) > limit:
            raise RecordError([_error("STRING_TOO_LONG", f"{name}: data value too large (max length={limit})", name)])
        return value

    def _reference(self, name: str, value: Any) -> str:
        record_id = to_18(value) if isinstance(value, str) else ""
        obj = sobject_for_id(record_id)
        allowed = ("Account", "Opportunity", "Case") if name == "WhatId" else ("User",)
        if obj is None or obj.name not in allowed or find_record(self.data, obj, record_id) is None:
            message = f"invalid cross reference id: {value}"
            raise RecordError([_error("INVALID_CROSS_REFERENCE_KEY", message, name)])
        return record_id

    def _apply(self, task: Task, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            setattr(task, _WRITABLE[name], value)
        if "WhatId" in values:
            task.account_id = self._account_of(task.what_id)
        if task.owner_id is None:  # an explicit null owner falls back to the running user
            task.owner_id = self.data.integration_user_id

    def _account_of(self, what_id: str | None) -> str | None:
        obj = sobject_for_id(what_id or "")
        record = find_record(self.data, obj, what_id) if obj and what_id else None
        if isinstance(record, Account):
            return record.id
        if isinstance(record, Opportunity | Case):
            return record.account_id
        return None
