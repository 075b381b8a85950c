"""Custom search attributes the project registers with Temporal."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

from workflows.renewal_views import RENEWAL_SEARCH_ATTRIBUTES

ALL: tuple[SearchAttributeKey, ...] = (*RENEWAL_SEARCH_ATTRIBUTES,)  # type: ignore[has-type]


def cli_flags() -> list[str]:
    """`--search-attribute Name=Type` flags for `temporal server start-dev`."""
    names = {
        "KEYWORD": "Keyword",
        "INT": "Int",
        "TEXT": "Text",
        "BOOL": "Bool",
        "DATETIME": "Datetime",
        "FLOAT": "Double",
        "KEYWORD_LIST": "KeywordList",
    }
    flags: list[str] = []
    for key in ALL:
        flags += [
            "--search-attribute",
            f"{key.name}={names[key.indexed_value_type.name.removeprefix('INDEXED_VALUE_TYPE_')]}",
        ]
    return flags
