"""A test-run-wide guard on payload sizes: no payload Temporal records may exceed 256 KB.

`guarded(converter)` returns the data converter with a pass-through payload codec that, for every payload
encoded or decoded in this process (starts, signals, updates, activity inputs and results, workflow results,
memos), remembers the largest size per workflow type or id prefix (and the activity, when there is one).
The session's Temporal client uses it, so every test's clients and workers do; `conftest.pytest_sessionfinish`
fails the run when anything was larger, naming what and how large. It costs one `ByteSize()` per payload.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)

LIMIT = 256 * 1024  # Temporal warns from here; it refuses a payload of 2 MB


@dataclass
class Largest:
    size: int
    where: str  # the workflow (and activity) it belonged to, for the message


# kind -> the largest payload seen for it, over the whole test run (per process: each xdist worker has its own)
LARGEST: dict[str, Largest] = {}


def _kind(workflow_id: str) -> str:
    """A workflow id without its instance part: `renewal-acme-2026-03-01` -> `renewal`."""
    return re.split(r"[-:_.]", workflow_id, maxsplit=1)[0] or workflow_id


def _label(context: SerializationContext | None) -> tuple[str, str]:
    if isinstance(context, ActivitySerializationContext):
        owner = context.workflow_type or _kind(context.workflow_id or "") or "activity"
        kind = f"{owner} / activity {context.activity_type or '?'}"
        return kind, f"{kind} in {context.workflow_id}"
    if isinstance(context, WorkflowSerializationContext):
        kind = f"workflow {_kind(context.workflow_id)}"
        return kind, f"workflow {context.workflow_id}"
    return "no context", "a payload without a workflow context"


class SizeRecorder(PayloadCodec, WithSerializationContext):
    """Records the size of what Temporal stores: after the converter's own codec (encryption), if it has one,
    which it wraps and otherwise leaves alone."""

    def __init__(self, inner: PayloadCodec | None = None, context: SerializationContext | None = None) -> None:
        self.inner, self.context = inner, context

    def with_context(self, context: SerializationContext) -> SizeRecorder:
        inner = self.inner.with_context(context) if isinstance(self.inner, WithSerializationContext) else self.inner
        return SizeRecorder(inner, context)

    def _record(self, payloads: Sequence[Payload]) -> None:
        if not payloads:
            return
        size = max(p.ByteSize() for p in payloads)
        kind, where = _label(self.context)
        seen = LARGEST.get(kind)
        if seen is None or size > seen.size:
            LARGEST[kind] = Largest(size, where)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        encoded = await self.inner.encode(payloads) if self.inner else list(payloads)
        self._record(encoded)
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        self._record(payloads)
        return await self.inner.decode(payloads) if self.inner else list(payloads)


def guarded(converter: DataConverter) -> DataConverter:
    return dataclasses.replace(converter, payload_codec=SizeRecorder(converter.payload_codec))


def merge(found: dict[str, tuple[int, str]]) -> None:
    """Adds another process's findings (an xdist worker's `export()`)."""
    for kind, (size, where) in found.items():
        seen = LARGEST.get(kind)
        if seen is None or size > seen.size:
            LARGEST[kind] = Largest(size, where)


def export() -> dict[str, tuple[int, str]]:
    return {kind: (v.size, v.where) for kind, v in LARGEST.items()}


def report(limit: int = LIMIT) -> list[str]:
    """One line per kind of payload larger than `limit`, largest first."""
    over = sorted(((k, v) for k, v in LARGEST.items() if v.size > limit), key=lambda kv: -kv[1].size)
    return [f"{kind}: {v.size / 1024:,.1f} KB (e.g. {v.where})" for kind, v in over]
