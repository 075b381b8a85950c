"""The custom search attributes Renubu registers with Temporal (filter in the UI: `CustomerId = "acme"`)."""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey

# Set by renewals.
CUSTOMER_ID = SearchAttributeKey.for_keyword("CustomerId")
CSM_EMAIL = SearchAttributeKey.for_keyword("CsmEmail")
RENEWAL_STAGE = SearchAttributeKey.for_keyword("RenewalStage")
RENEWAL_STATUS = SearchAttributeKey.for_keyword("RenewalStatus")
PRIORITY_SCORE = SearchAttributeKey.for_int("PriorityScore")

ALL: tuple[SearchAttributeKey[Any], ...] = (CUSTOMER_ID, CSM_EMAIL, RENEWAL_STAGE, RENEWAL_STATUS, PRIORITY_SCORE)


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
