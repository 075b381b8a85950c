"""The namespace's retention, set explicitly (bootstrap) rather than left at the server's default (24 h for
compose's auto-setup and the dev server). Nothing "only once" rests on it: renewal periods and journey walks are
claimed in our database. It bounds how long a closed workflow's history stays readable (the Temporal UI, replay
of a finished walk or renewal) and how long Temporal refuses a repeated workflow id or update id (the API's
idempotency ids, api/idempotency.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

from google.protobuf.duration_pb2 import Duration
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, UpdateNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

log = logging.getLogger("renubu.retention")


async def ensure_retention(client: Client, namespace: str, days: int) -> timedelta | None:
    """Sets the namespace's retention to `days` when it differs; returns the retention in force.
    `days` <= 0 leaves it as it is. Where we may not change it (a managed namespace), says so and goes on."""
    service = client.workflow_service
    described = await service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))
    have = described.config.workflow_execution_retention_ttl.ToTimedelta()
    want = timedelta(days=days)
    if days <= 0 or have == want:
        return have
    ttl = Duration()
    ttl.FromTimedelta(want)
    try:
        await service.update_namespace(
            UpdateNamespaceRequest(namespace=namespace, config=NamespaceConfig(workflow_execution_retention_ttl=ttl))
        )
    except RPCError as exc:
        if exc.status != RPCStatusCode.PERMISSION_DENIED:
            raise
        log.warning("namespace %s keeps its retention of %s: %s", namespace, have, exc.message)
        return have
    log.info("namespace %s retention set to %s (was %s)", namespace, want, have)
    return want
