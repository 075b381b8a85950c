"""SOQL tokens: the lexer, string-literal escapes, and Salesforce-style syntax errors."""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = frozenset(
    {"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "ASC", "DESC", "NULLS"}
    | {"FIRST", "LAST", "LIMIT", "OFFSET", "COUNT", "TRUE", "FALSE", "NULL"}
)
_STRING_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

_TOKEN_PATTERN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))
    | (?P<date>\d{4}-\d{2}-\d{2})
    | (?P<number>[+-]?\d+(?:\.\d+)?)
    | (?P<string>'(?:[^'\\]|\\.)*')
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::\d+)?)
    | (?P<operator>!=|<>|<=|>=|=|<|>)
    | (?P<punct>[(),])
    """,
    re.VERBOSE,
)


class SoqlSyntaxError(ValueError):
    """A malformed query; the message mimics Salesforce's (query line, caret, row/column)."""

    def __init__(self, text: str, position: int, detail: str) -> None:
        row = text.count("\n", 0, position) + 1
        line_start = text.rfind("\n", 0, position) + 1
        column = position - line_start + 1
        line = text[line_start:].split("\n", 1)[0]
        super().__init__(f"\n{line}\n{' ' * (column - 1)}^\nERROR at Row:{row}:Column:{column}\n{detail}")


@dataclass(frozen=True)
class Token:
    kind: str  # datetime, date, number, string, name, operator, punct, eof
    text: str
    position: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "name" and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN_PATTERN.match(text, position)
        if match is None or match.lastgroup is None:
            detail = "unterminated string literal" if text[position] == "'" else f"unexpected token: '{text[position]}'"
            raise SoqlSyntaxError(text, position, detail)
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), position))
        position = match.end()
    tokens.append(Token("eof", "<EOF>", len(text)))
    return tokens


def unescape(text: str, query: str, position: int, *, like: bool = False) -> str:
    """The value of a quoted literal; in LIKE patterns \\%, \\_ and \\\\ stay escaped for the matcher."""
    out: list[str] = []
    chars = iter(text[1:-1])
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        escaped = next(chars)
        if like and escaped in "%_\\":  # the matcher needs to tell \% from a wildcard
            out.append("\\" + escaped)
        elif escaped in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[escaped])
        else:
            raise SoqlSyntaxError(
                query, position, f"Invalid string literal '{text}'. Illegal character sequence '\\{escaped}'"
            )
    return "".join(out)
