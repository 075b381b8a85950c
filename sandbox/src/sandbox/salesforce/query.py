"""Runs a parsed SOQL query against the sandbox data: name resolution, type checks, filter, sort, render."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox.ids import to_18
from sandbox.models import SandboxData
from sandbox.salesforce.schema import Field, FieldType, SObject, find_record, sobject, to_json_value
from sandbox.salesforce.soql import BoolOp, Comparison, Condition, FieldPath, Not, Query, Value

MAX_OFFSET = 2000


class QueryError(ValueError):
    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message


@dataclass(frozen=True)
class _Lookup:
    name: str  # relationship name, e.g. "Owner"
    field: Field  # the id field on the queried object, e.g. OwnerId
    target: SObject


@dataclass(frozen=True)
class _Column:
    """A resolved field path: the field itself, reached through an optional lookup."""

    field: Field
    lookup: _Lookup | None

    def read(self, data: SandboxData, record: Any) -> Any:
        if self.lookup is None:
            return self.field.get(record)
        related = self.related(data, record)
        return None if related is None else self.field.get(related)

    def related(self, data: SandboxData, record: Any) -> Any | None:
        assert self.lookup is not None
        related_id = self.lookup.field.get(record)
        return None if related_id is None else find_record(data, self.lookup.target, related_id)


@dataclass(frozen=True)
class QueryResult:
    total_size: int
    records: list[dict[str, Any]]


def execute(query: Query, data: SandboxData, api_version: str, now: datetime) -> QueryResult:
    obj = sobject(query.sobject)
    if obj is None:
        raise QueryError("INVALID_TYPE", f"\nsObject type '{query.sobject}' is not supported.")
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise QueryError("NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}")
    columns = [_resolve(obj, path) for path in query.fields]
    predicate = _compile(obj, query.where, now.astimezone(UTC).date()) if query.where else None
    rows = [record for record in obj.records(data) if predicate is None or predicate(data, record)]
    for item in reversed(query.order_by):
        column = _resolve(obj, item.field)
        rows.sort(key=_sort_key(column, data, item.nulls_last, item.descending), reverse=item.descending)
    total = len(rows)
    start = query.offset or 0
    rows = rows[start : start + query.limit] if query.limit is not None else rows[start:]
    if query.is_count:
        return QueryResult(total if query.limit is None else min(total, query.limit), [])
    return QueryResult(len(rows), [_render(obj, columns, data, row, api_version) for row in rows])


def record_attributes(obj_name: str, record_id: str, api_version: str) -> dict[str, str]:
    return {"type": obj_name, "url": f"/services/data/{api_version}/sobjects/{obj_name}/{record_id}"}


def render_record(obj: SObject, record: Any, api_version: str) -> dict[str, Any]:
    """A record with all its fields, as the sObject read endpoint returns it."""
    fields = {field.name: to_json_value(field.get(record)) for field in obj.fields}
    return {"attributes": record_attributes(obj.name, record.id, api_version), **fields}


def _render(obj: SObject, columns: list[_Column], data: SandboxData, record: Any, api_version: str) -> dict[str, Any]:
    out: dict[str, Any] = {"attributes": record_attributes(obj.name, record.id, api_version)}
    for column in columns:
        if column.lookup is None:
            out[column.field.name] = to_json_value(column.field.get(record))
            continue
        name, target = column.lookup.name, column.lookup.target
        related = column.related(data, record)
        if related is None:
            out[name] = None
            continue
        nested = out.get(name) or {"attributes": record_attributes(target.name, related.id, api_version)}
        nested[column.field.name] = to_json_value(column.field.get(related))
        out[name] = nested
    return out


def _resolve(obj: SObject, path: FieldPath) -> _Column:
    if len(path.parts) == 1:
        field = obj.field(path.parts[0])
        if field is None:
            raise QueryError(
                "INVALID_FIELD",
                f"No such column '{path.text}' on entity '{obj.name}'. If you are attempting to use a custom "
                "field, be sure to append the '__c' after the custom field name.",
            )
        return _Column(field, None)
    relationship = obj.relationship(path.parts[0]) if len(path.parts) == 2 else None
    if relationship is None:
        raise QueryError("INVALID_FIELD", f"Didn't understand relationship '{path.parts[0]}' in field path.")
    target, lookup_field = sobject(relationship.target), obj.field(relationship.field)
    assert target is not None and lookup_field is not None
    field = target.field(path.parts[1])
    if field is None:
        raise QueryError("INVALID_FIELD", f"No such column '{path.parts[1]}' on entity '{target.name}'.")
    return _Column(field, _Lookup(relationship.name, lookup_field, target))


def _sort_key(column: _Column, data: SandboxData, nulls_last: bool, descending: bool) -> Callable[[Any], Any]:
    # With reverse=True the null flag is inverted too, so compute it against the final direction.
    null_rank = 1 if nulls_last != descending else 0

    def key(record: Any) -> tuple[int, Any]:
        value = column.read(data, record)
        if value is None:
            return (null_rank, "")
        return (1 - null_rank, value.lower() if isinstance(value, str) else value)

    return key


Predicate = Callable[[SandboxData, Any], bool]


def _compile(obj: SObject, condition: Condition, today: date) -> Predicate:
    if isinstance(condition, BoolOp):
        parts = [_compile(obj, operand, today) for operand in condition.operands]
        if condition.operator == "AND":
            return lambda data, record: all(part(data, record) for part in parts)
        return lambda data, record: any(part(data, record) for part in parts)
    if isinstance(condition, Not):
        inner = _compile(obj, condition.operand, today)
        return lambda data, record: not inner(data, record)
    return _compile_comparison(obj, condition, today)


def _compile_comparison(obj: SObject, comparison: Comparison, today: date) -> Predicate:
    column = _resolve(obj, comparison.field)
    field, operator = column.field, comparison.operator
    for value in comparison.values:
        _check_value(field, operator, value)
    if operator == "LIKE":
        regex = _like_regex(comparison.values[0].value)
        return lambda data, record: _matches(regex, column.read(data, record))
    if operator in ("IN", "NOT IN"):
        options = [_normalise(field, value, today) for value in comparison.values]
        negate = operator == "NOT IN"
        return lambda data, record: (
            negate != any(_compare(field, "=", column.read(data, record), option) for option in options)
        )
    operand = _normalise(field, comparison.values[0], today)
    return lambda data, record: _compare(field, operator, column.read(data, record), operand)


def _check_value(field: Field, operator: str, value: Value) -> None:
    ftype = field.type
    if operator == "LIKE":
        if not ftype.is_text:
            raise QueryError("INVALID_QUERY_FILTER_OPERATOR", f"invalid operator on field '{field.name}': LIKE")
        return
    if value.kind == "null":
        if operator not in ("=", "!=", "IN", "NOT IN"):
            raise QueryError("INVALID_QUERY_FILTER_OPERATOR", f"invalid operator on null value for '{field.name}'")
        return
    if ftype == FieldType.BOOLEAN and operator not in ("=", "!="):
        raise QueryError("INVALID_QUERY_FILTER_OPERATOR", f"invalid operator on boolean field '{field.name}'")
    expected = {
        FieldType.CURRENCY: ("number",),
        FieldType.BOOLEAN: ("boolean",),
        FieldType.DATE: ("date", "relative"),
        FieldType.DATETIME: ("datetime", "relative"),
    }.get(ftype, ("string",))
    if value.kind not in expected:
        quoting = "be enclosed in quotes" if expected == ("string",) else "not be enclosed in quotes"
        sf_type = "dateTime" if ftype == FieldType.DATETIME else str(ftype)
        message = f"value of filter criterion for field '{field.name}' must be of type {sf_type}"
        raise QueryError("INVALID_FIELD", f"{message} and should {quoting}")


def _normalise(field: Field, value: Value, today: date) -> Any:
    """The literal as a comparable Python value; relative dates become an inclusive (first, last) range."""
    if value.kind == "relative":
        name, days = value.value
        first, last = {
            "TODAY": (today, today),
            "YESTERDAY": (today - timedelta(days=1),) * 2,
            "TOMORROW": (today + timedelta(days=1),) * 2,
            "LAST_N_DAYS": (today - timedelta(days=days), today),
            "NEXT_N_DAYS": (today + timedelta(days=1), today + timedelta(days=days)),
        }[name]
        return (first, last)
    if value.kind == "number":
        return float(value.value)
    if value.kind == "string" and field.type.is_id:
        return to_18(value.value)
    if value.kind == "string":
        return value.value.lower()
    return value.value


def _compare(field: Field, operator: str, actual: Any, operand: Any) -> bool:
    if operand is None or actual is None:
        # Salesforce's null semantics: only (in)equality with null is meaningful, and
        # "Field != 'x'" includes records whose Field is blank.
        equal = actual is None and operand is None
        return {"=": equal, "!=": not equal}.get(operator, False)
    if isinstance(operand, tuple):  # a relative date range
        day = actual.astimezone(UTC).date() if isinstance(actual, datetime) else actual
        first, last = operand
        return {
            "=": first <= day <= last,
            "!=": not first <= day <= last,
            "<": day < first,
            "<=": day <= last,
            ">": day > last,
            ">=": day >= first,
        }[operator]
    if isinstance(actual, str) and not field.type.is_id:
        actual = actual.lower()
    return {
        "=": actual == operand,
        "!=": actual != operand,
        "<": actual < operand,
        "<=": actual <= operand,
        ">": actual > operand,
        ">=": actual >= operand,
    }[operator]


def _like_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append({"%": ".*", "_": "."}.get(char, re.escape(char)))
        index += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _matches(regex: re.Pattern[str], value: Any) -> bool:
    return value is not None and regex.fullmatch(value) is not None
