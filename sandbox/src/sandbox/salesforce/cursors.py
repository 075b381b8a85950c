"""Server-side query cursors behind `nextRecordsUrl`, expiring like Salesforce's after idle time."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

IDLE_TIMEOUT_S = 15 * 60
MAX_OPEN_CURSORS = 200


@dataclass
class _Cursor:
    records: list[dict[str, Any]]
    batch_size: int
    touched: float


@dataclass(frozen=True)
class Batch:
    records: list[dict[str, Any]]
    total_size: int
    next_locator: str | None  # "<cursor id>-<offset>" while more records remain


class QueryCursors:
    def __init__(self, new_id: Iterator[str], clock: Callable[[], float] = time.monotonic) -> None:
        self._new_id = new_id
        self._clock = clock
        self._cursors: OrderedDict[str, _Cursor] = OrderedDict()

    def first_batch(self, records: list[dict[str, Any]], batch_size: int) -> Batch:
        if len(records) <= batch_size:
            return Batch(records, len(records), None)
        self._expire()
        cursor_id = next(self._new_id)
        self._cursors[cursor_id] = _Cursor(records, batch_size, self._clock())
        while len(self._cursors) > MAX_OPEN_CURSORS:
            self._cursors.popitem(last=False)
        return Batch(records[:batch_size], len(records), f"{cursor_id}-{batch_size}")

    def next_batch(self, locator: str) -> Batch | None:
        """The batch a locator points at, or None for an unknown, malformed or expired locator."""
        self._expire()
        cursor_id, _, offset_text = locator.rpartition("-")
        cursor = self._cursors.get(cursor_id)
        if cursor is None or not offset_text.isdigit() or int(offset_text) >= len(cursor.records):
            return None
        offset = int(offset_text)
        end = offset + cursor.batch_size
        cursor.touched = self._clock()
        # A cursor stays readable until it idles out, so a client may retry a batch it lost.
        next_locator = f"{cursor_id}-{end}" if end < len(cursor.records) else None
        return Batch(cursor.records[offset:end], len(cursor.records), next_locator)

    def clear(self) -> None:
        self._cursors.clear()

    def _expire(self) -> None:
        now = self._clock()
        for cursor_id in [cid for cid, c in self._cursors.items() if now - c.touched > IDLE_TIMEOUT_S]:
            del self._cursors[cursor_id]
