"""Bootstrap sets the namespace's retention explicitly (core/retention.py), and leaves it alone when asked to."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from core.retention import ensure_retention


async def test_retention_is_set_explicitly(temporal_client: Client) -> None:
    namespace = temporal_client.namespace
    assert await ensure_retention(temporal_client, namespace, 30) == timedelta(days=30)
    assert await ensure_retention(temporal_client, namespace, 30) == timedelta(days=30)  # already so: no change
    assert await ensure_retention(temporal_client, namespace, 0) == timedelta(days=30)  # 0: left as it is
