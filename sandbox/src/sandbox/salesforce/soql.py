"""A SOQL subset: recursive-descent parser over soql_lexer tokens, producing an AST.

Grammar (keywords case-insensitive):
    query      := SELECT (COUNT '(' ')' | path (',' path)*) FROM ident
                  [WHERE condition] [ORDER BY order (',' order)*] [LIMIT int] [OFFSET int]
    condition  := unary ((AND unary)* | (OR unary)*)   -- mixing AND/OR needs parentheses, as in SOQL
    unary      := NOT unary | '(' condition ')' | path operator value
                | path LIKE string | path [NOT] IN '(' value (',' value)* ')'
    order      := path [ASC|DESC] [NULLS (FIRST|LAST)]
    value      := string | number | date | datetime | TRUE | FALSE | NULL
                | TODAY | YESTERDAY | TOMORROW | LAST_N_DAYS:n | NEXT_N_DAYS:n
Names are only parsed here; the query module checks them against the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from sandbox.salesforce.soql_lexer import KEYWORDS, SoqlSyntaxError, Token, tokenize, unescape

RELATIVE_DATES = frozenset({"TODAY", "YESTERDAY", "TOMORROW"})
RELATIVE_RANGES = frozenset({"LAST_N_DAYS", "NEXT_N_DAYS"})

T = TypeVar("T")


@dataclass(frozen=True)
class FieldPath:
    parts: tuple[str, ...]  # ("Owner", "Name")

    @property
    def text(self) -> str:
        return ".".join(self.parts)


ValueKind = Literal["string", "like", "number", "boolean", "null", "date", "datetime", "relative"]


@dataclass(frozen=True)
class Value:
    kind: ValueKind
    value: Any  # str, Decimal, bool, None, date, datetime, or (literal name, n) for relative dates


@dataclass(frozen=True)
class Comparison:
    field: FieldPath
    operator: str  # =, !=, <, <=, >, >=, LIKE, IN, NOT IN
    values: tuple[Value, ...]  # one value, except for IN / NOT IN


@dataclass(frozen=True)
class BoolOp:
    operator: Literal["AND", "OR"]
    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    operand: Condition


Condition = Comparison | BoolOp | Not


@dataclass(frozen=True)
class OrderItem:
    field: FieldPath
    descending: bool
    nulls_last: bool


@dataclass(frozen=True)
class Query:
    fields: tuple[FieldPath, ...]  # empty for SELECT COUNT()
    sobject: str
    where: Condition | None
    order_by: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None

    @property
    def is_count(self) -> bool:
        return not self.fields


def parse(text: str) -> Query:
    """Parse one SOQL statement. Raises SoqlSyntaxError."""
    return _Parser(text).query()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def error(self, token: Token | None = None, detail: str | None = None) -> SoqlSyntaxError:
        token = token or self.current
        return SoqlSyntaxError(self.text, token.position, detail or f"unexpected token: '{token.text}'")

    def accept_keyword(self, *words: str) -> Token | None:
        return self.advance() if self.current.is_keyword(*words) else None

    def accept_punct(self, char: str) -> bool:
        if self.current.kind == "punct" and self.current.text == char:
            self.advance()
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if self.accept_keyword(word) is None:
            raise self.error()

    def expect_punct(self, char: str) -> None:
        if not self.accept_punct(char):
            raise self.error()

    def query(self) -> Query:
        self.expect_keyword("SELECT")
        fields: list[FieldPath] = []
        if self.accept_keyword("COUNT"):
            self.expect_punct("(")
            self.expect_punct(")")
        else:
            fields = self.comma_separated(self.path)
        self.expect_keyword("FROM")
        sobject = self.advance()
        if sobject.kind != "name" or not sobject.text.isidentifier() or sobject.text.upper() in KEYWORDS:
            raise self.error(sobject)
        where = self.condition() if self.accept_keyword("WHERE") else None
        order_by: list[OrderItem] = []
        if self.accept_keyword("ORDER"):
            self.expect_keyword("BY")
            order_by = self.comma_separated(self.order_item)
        limit = self.integer() if self.accept_keyword("LIMIT") else None
        offset = self.integer() if self.accept_keyword("OFFSET") else None
        if self.current.kind != "eof":
            raise self.error()
        return Query(tuple(fields), sobject.text, where, tuple(order_by), limit, offset)

    def comma_separated(self, item: Callable[[], T]) -> list[T]:
        items = [item()]
        while self.accept_punct(","):
            items.append(item())
        return items

    def path(self) -> FieldPath:
        token = self.current
        if token.kind != "name" or ":" in token.text or token.text.upper() in KEYWORDS:
            raise self.error()
        self.advance()
        return FieldPath(tuple(token.text.split(".")))

    def integer(self) -> int:
        token = self.advance()
        if token.kind != "number" or not token.text.isdigit():
            raise self.error(token)
        return int(token.text)

    def order_item(self) -> OrderItem:
        path = self.path()
        direction = self.accept_keyword("ASC", "DESC")
        descending = direction is not None and direction.text.upper() == "DESC"
        nulls_last = descending  # Salesforce's default: nulls first ascending, last descending
        if self.accept_keyword("NULLS"):
            which = self.accept_keyword("FIRST", "LAST")
            if which is None:
                raise self.error()
            nulls_last = which.text.upper() == "LAST"
        return OrderItem(path, descending, nulls_last)

    def condition(self) -> Condition:
        operands = [self.unary()]
        operator: Literal["AND", "OR"] | None = None
        while joiner := self.accept_keyword("AND", "OR"):
            word: Literal["AND", "OR"] = "AND" if joiner.text.upper() == "AND" else "OR"
            if operator is not None and word != operator:
                raise self.error(joiner)  # SOQL rejects "a AND b OR c": the grouping must be explicit
            operator = word
            operands.append(self.unary())
        return operands[0] if operator is None else BoolOp(operator, tuple(operands))

    def unary(self) -> Condition:
        if self.accept_keyword("NOT"):
            return Not(self.unary())
        if self.accept_punct("("):
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def comparison(self) -> Comparison:
        path = self.path()
        if self.current.kind == "operator":
            operator = self.advance().text
            return Comparison(path, "!=" if operator == "<>" else operator, (self.value(),))
        if self.accept_keyword("LIKE"):
            pattern = self.advance()
            if pattern.kind != "string":
                raise self.error(pattern)
            value = Value("like", unescape(pattern.text, self.text, pattern.position, like=True))
            return Comparison(path, "LIKE", (value,))
        negated = self.accept_keyword("NOT") is not None
        if self.accept_keyword("IN"):
            self.expect_punct("(")
            values = self.comma_separated(self.value)
            self.expect_punct(")")
            return Comparison(path, "NOT IN" if negated else "IN", tuple(values))
        raise self.error()

    def value(self) -> Value:
        token = self.advance()
        if token.kind == "string":
            return Value("string", unescape(token.text, self.text, token.position))
        if token.kind == "number":
            return Value("number", Decimal(token.text))
        try:
            if token.kind == "date":
                return Value("date", date.fromisoformat(token.text))
            if token.kind == "datetime":
                return Value("datetime", datetime.fromisoformat(token.text.replace("Z", "+00:00")))
        except ValueError:
            raise self.error(token, f"invalid {token.kind}: {token.text}") from None
        word = token.text.upper() if token.kind == "name" else ""
        if word in ("TRUE", "FALSE"):
            return Value("boolean", word == "TRUE")
        if word == "NULL":
            return Value("null", None)
        if word in RELATIVE_DATES:
            return Value("relative", (word, 0))
        name, _, days = word.partition(":")
        if name in RELATIVE_RANGES and days:
            return Value("relative", (name, int(days)))
        raise self.error(token)
