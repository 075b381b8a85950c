"""The describe-level schema of the fake org: objects, typed fields, lookups to other objects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sandbox.ids import KEY_PREFIXES
from sandbox.models import SandboxData


class FieldType(StrEnum):
    ID = "id"
    REFERENCE = "reference"
    STRING = "string"
    PICKLIST = "picklist"
    TEXTAREA = "textarea"
    EMAIL = "email"
    URL = "url"
    PHONE = "phone"
    CURRENCY = "currency"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"

    @property
    def is_text(self) -> bool:
        return self in _TEXT_TYPES

    @property
    def is_id(self) -> bool:
        return self in (FieldType.ID, FieldType.REFERENCE)


_TEXT_TYPES = frozenset(
    {
        FieldType.STRING,
        FieldType.PICKLIST,
        FieldType.TEXTAREA,
        FieldType.EMAIL,
        FieldType.URL,
        FieldType.PHONE,
    }
)


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    get: Callable[[Any], Any]


@dataclass(frozen=True)
class Relationship:
    name: str  # "Owner"
    target: str  # "User"
    field: str  # "OwnerId"


@dataclass(frozen=True)
class SObject:
    name: str
    fields: Sequence[Field]
    records: Callable[[SandboxData], Sequence[Any]]
    relationships: Sequence[Relationship] = ()
    external_id: str | None = None
    _by_lower: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_lower", {f.name.lower(): f for f in self.fields})

    @property
    def key_prefix(self) -> str:
        return KEY_PREFIXES[self.name]

    def field(self, name: str) -> Field | None:
        return self._by_lower.get(name.lower())

    def relationship(self, name: str) -> Relationship | None:
        return next((rel for rel in self.relationships if rel.name.lower() == name.lower()), None)


T = FieldType  # short alias: keeps the field tables below readable


def _audit_fields() -> list[Field]:
    return [
        Field("CreatedDate", T.DATETIME, lambda r: r.created),
        Field("LastModifiedDate", T.DATETIME, lambda r: getattr(r, "last_modified", r.created)),
    ]


USER = SObject(
    "User",
    [
        Field("Id", T.ID, lambda r: r.id),
        Field("Name", T.STRING, lambda r: r.name),
        Field("FirstName", T.STRING, lambda r: r.first_name),
        Field("LastName", T.STRING, lambda r: r.last_name),
        Field("Email", T.EMAIL, lambda r: r.email),
        Field("Username", T.STRING, lambda r: r.email),
        Field("Title", T.STRING, lambda r: r.title),
        Field("IsActive", T.BOOLEAN, lambda r: r.is_active),
        Field("Experience_Level__c", T.PICKLIST, lambda r: r.experience_level),
        *_audit_fields(),
    ],
    lambda data: data.users,
)

ACCOUNT = SObject(
    "Account",
    [
        Field("Id", T.ID, lambda r: r.id),
        Field("Name", T.STRING, lambda r: r.name),
        Field("Customer_Key__c", T.STRING, lambda r: r.key),
        Field("Website", T.URL, lambda r: r.website),
        Field("Industry", T.PICKLIST, lambda r: r.industry),
        Field("Type", T.PICKLIST, lambda _: "Customer"),
        Field("ARR__c", T.CURRENCY, lambda r: r.arr),
        Field("Renewal_Date__c", T.DATE, lambda r: r.renewal_date),
        Field("Account_Plan__c", T.PICKLIST, lambda r: r.plan),
        Field("OwnerId", T.REFERENCE, lambda r: r.owner_id),
        *_audit_fields(),
    ],
    lambda data: data.accounts,
    [Relationship("Owner", "User", "OwnerId")],
    external_id="Customer_Key__c",
)

CONTACT = SObject(
    "Contact",
    [
        Field("Id", T.ID, lambda r: r.id),
        Field("AccountId", T.REFERENCE, lambda r: r.account_id),
        Field("Name", T.STRING, lambda r: r.name),
        Field("FirstName", T.STRING, lambda r: r.first_name),
        Field("LastName", T.STRING, lambda r: r.last_name),
        Field("Title", T.STRING, lambda r: r.title),
        Field("Email", T.EMAIL, lambda r: r.email),
        Field("Phone", T.PHONE, lambda r: r.phone),
        *_audit_fields(),
    ],
    lambda data: data.contacts,
    [Relationship("Account", "Account", "AccountId")],
)

OPPORTUNITY = SObject(
    "Opportunity",
    [
        Field("Id", T.ID, lambda r: r.id),
        Field("AccountId", T.REFERENCE, lambda r: r.account_id),
        Field("Name", T.STRING, lambda r: r.name),
        Field("Type", T.PICKLIST, lambda r: r.type),
        Field("StageName", T.PICKLIST, lambda r: r.stage),
        Field("Amount", T.CURRENCY, lambda r: r.amount),
        Field("CloseDate", T.DATE, lambda r: r.close_date),
        Field("IsClosed", T.BOOLEAN, lambda r: r.is_closed),
        Field("IsWon", T.BOOLEAN, lambda r: r.is_won),
        *_audit_fields(),
    ],
    lambda data: data.opportunities,
    [Relationship("Account", "Account", "AccountId")],
)

CASE = SObject(
    "Case",
    [
        Field("Id", T.ID, lambda r: r.id),
        Field("CaseNumber", T.STRING, lambda r: r.case_number),
        Field("AccountId", T.REFERENCE, lambda r: r.account_id),
        Field("OwnerId", T.REFERENCE, lambda r: r.owner_id),
        Field("Subject", T.STRING, lambda r: r.subject),
        Field("Status", T.PICKLIST, lambda r: r.status),
        Field("Priority", T.PICKLIST, lambda r: r.priority),
        Field("Origin", T.PICKLIST, lambda r: r.origin),
        Field("IsClosed", T.BOOLEAN, lambda r: r.is_closed),
        Field("ClosedDate", T.DATETIME, lambda r: r.closed),
        *_audit_fields(),
    ],
    lambda data: data.cases,
    [Relationship("Owner", "User", "OwnerId"), Relationship("Account", "Account", "AccountId")],
)

TASK = SObject(
    "Task",
    [
        Field("Id", T.ID, lambda r: r.id),
        Field("WhatId", T.REFERENCE, lambda r: r.what_id),
        Field("AccountId", T.REFERENCE, lambda r: r.account_id),
        Field("Subject", T.STRING, lambda r: r.subject),
        Field("Description", T.TEXTAREA, lambda r: r.description),
        Field("ActivityDate", T.DATE, lambda r: r.activity_date),
        Field("Status", T.PICKLIST, lambda r: r.status),
        Field("Priority", T.PICKLIST, lambda r: r.priority),
        Field("IsClosed", T.BOOLEAN, lambda r: r.is_closed),
        Field("OwnerId", T.REFERENCE, lambda r: r.owner_id),
        Field("Renubu_Key__c", T.STRING, lambda r: r.renubu_key),
        *_audit_fields(),
    ],
    lambda data: data.tasks,
    [Relationship("Owner", "User", "OwnerId")],
    external_id="Renubu_Key__c",
)

SOBJECTS: dict[str, SObject] = {obj.name.lower(): obj for obj in (USER, ACCOUNT, CONTACT, OPPORTUNITY, CASE, TASK)}


def sobject(name: str) -> SObject | None:
    return SOBJECTS.get(name.lower())


def find_record(data: SandboxData, obj: SObject, record_id: str) -> Any | None:
    if obj is USER:
        return data.user_by_id(record_id)
    if obj is ACCOUNT:
        return data.account_by_id(record_id)
    return next((record for record in obj.records(data) if record.id == record_id), None)


def sobject_for_id(record_id: str) -> SObject | None:
    return next((obj for obj in SOBJECTS.values() if record_id.startswith(obj.key_prefix)), None)


def to_json_value(value: Any) -> Any:
    """Salesforce's wire formats: dates as YYYY-MM-DD, datetimes as 2026-11-22T10:00:00.000+0000."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"
    if isinstance(value, date):
        return value.isoformat()
    return value
