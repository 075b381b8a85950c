"""The sandbox's state on disk, so that it survives a restart, or a crash, of the sandbox.

One SQLite file (`<data dir>/sandbox.db`), one row per record: a sent message, a delivery attempt,
a mail, a member whose balance or door access changed, the fault settings. Each is written before
the request that made it is answered, so a tester can count effects ("exactly once") across a
crash. SQLite rather than an append-only JSON log because records change (a link is paid, a Task
is upserted, a lead gets Renubu's answer) and SQLite replaces them in place; because one
transaction holds an idempotent request's effects together with its key (a crash between the two
would otherwise send twice when the client retries); and because a tester can query it
(`sqlite3 data/sandbox.db "select body from records where kind = 'clubos.sent'"`).

The seeded world itself is not stored: it is generated again from its seed and day, and the
stored records are laid over it. Without a data directory nothing is written (tests, a throwaway
sandbox), and the same code runs.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")
FORMAT = 1  # bump when a stored record changes shape: older files then start over
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT,  -- NULL for records only ever appended (logs)
    body TEXT NOT NULL,
    UNIQUE (kind, key)
);
"""


class StateStore:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._depth = 0
        self._adapters: dict[Any, TypeAdapter[Any]] = {}
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: every write is its own transaction unless inside `transaction()`.
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # WAL + NORMAL: a commit survives the process being killed (not a power cut), without an fsync each.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    @property
    def persistent(self) -> bool:
        return self._db is not None

    def table(self, kind: str, model: type[T], key: Callable[[T], str] | None = None) -> Table[T]:
        """Records of one kind; `key` names a record that may be replaced, without one they are appended."""
        adapter = self._adapters.get(model)
        if adapter is None:
            adapter = self._adapters[model] = TypeAdapter(model)
        return Table(self, kind, adapter, key)

    def get(self, name: str) -> Any:
        """A stored JSON value, or None."""
        rows = self._rows("value", name)
        return json.loads(rows[0]) if rows else None

    def set(self, name: str, value: Any) -> None:
        self._write("value", name, json.dumps(value))

    def setting(self, name: str, configured: Any) -> Any:
        """A setting changed at run time (a webhook URL, a timer, a fault) as it was last set, as long as
        the configured value it replaced is still the configured one; otherwise `configured`."""
        stored = self.get(name)
        return stored["value"] if stored is not None and stored["configured"] == configured else configured

    def set_setting(self, name: str, configured: Any, value: Any) -> None:
        self.set(name, {"configured": configured, "value": value})

    def clear(self, *kinds: str) -> None:
        if self._db is not None:
            self._db.executemany("DELETE FROM records WHERE kind = ?", [(kind,) for kind in kinds])

    def clear_all(self) -> None:
        if self._db is not None:
            self._db.execute("DELETE FROM records")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside is kept together or not at all; nests (the outermost commits)."""
        if self._db is None:
            yield
            return
        if self._depth == 0:
            self._db.execute("BEGIN")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self._db.execute("COMMIT")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _write(self, kind: str, key: str | None, body: str) -> None:
        if self._db is None:
            return
        self._db.execute(
            "INSERT INTO records (kind, key, body) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
            (kind, key, body),
        )

    def _rows(self, kind: str, key: str | None = None, keep: int | None = None) -> list[str]:
        if self._db is None:
            return []
        if keep is not None:  # logs kept in memory up to a length are trimmed on disk when loaded
            self._db.execute(
                "DELETE FROM records WHERE kind = ? AND id NOT IN"
                " (SELECT id FROM records WHERE kind = ? ORDER BY id DESC LIMIT ?)",
                (kind, kind, keep),
            )
        if key is None:
            query = self._db.execute("SELECT body FROM records WHERE kind = ? ORDER BY id", (kind,))
        else:
            query = self._db.execute("SELECT body FROM records WHERE kind = ? AND key = ?", (kind, key))
        return [body for (body,) in query]

    def _delete(self, kind: str, key: str) -> None:
        if self._db is not None:
            self._db.execute("DELETE FROM records WHERE kind = ? AND key = ?", (kind, key))


class Table(Generic[T]):
    def __init__(self, store: StateStore, kind: str, adapter: TypeAdapter[T], key: Callable[[T], str] | None) -> None:
        self.kind = kind
        self._store = store
        self._adapter = adapter
        self._key = key

    def put(self, record: T) -> None:
        """Append the record, or replace the stored one with its key."""
        if self._store.persistent:
            key = None if self._key is None else self._key(record)
            self._store._write(self.kind, key, self._adapter.dump_json(record).decode())

    def load(self, keep: int | None = None) -> list[T]:
        """Oldest first; `keep`: only the newest `keep` (older ones are deleted)."""
        return [self._adapter.validate_json(body) for body in self._store._rows(self.kind, keep=keep)]

    def delete(self, key: str) -> None:
        self._store._delete(self.kind, key)

    def clear(self) -> None:
        self._store.clear(self.kind)


def overlay(records: list[Any], changed: list[Any]) -> None:
    """Replace generated records by their stored, changed versions (same `id`), in place, so whatever
    holds them (indexes, other records) sees the change."""
    by_id = {record.id: record for record in records}
    for record in changed:
        current = by_id.get(record.id)
        if current is not None:
            for field in dataclasses.fields(record):
                setattr(current, field.name, getattr(record, field.name))


MEMORY = StateStore(None)  # keeps nothing: components built without a store (tests)
