"""Connecting to Temporal the same way everywhere: pydantic payloads (encrypted when payload keys are set),
and mTLS or an API key when the server asks for them."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from core.payload_codec import EncryptionCodec, parse_keys
from core.settings import Settings
from core.tracing import temporal_interceptors

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


async def connect(
    settings: Settings, runtime: Runtime | None = None, tracer_provider: TracerProvider | None = None
) -> Client:
    """`runtime`: the worker's, with its metrics endpoint (core.telemetry); None: the SDK's default.
    `tracer_provider`: trace starts, signals, workflows and activities (core.tracing); None: no tracing."""
    return await Client.connect(
        settings.temporal.address,
        namespace=settings.temporal.namespace,
        data_converter=data_converter(settings),
        runtime=runtime,
        interceptors=temporal_interceptors(tracer_provider),
        tls=tls_config(settings),
        api_key=settings.temporal.api_key.get_secret_value() if settings.temporal.api_key else None,
    )


def data_converter(settings: Settings) -> DataConverter:
    if settings.temporal.payload_keys is None or not settings.temporal.payload_keys.get_secret_value():
        return pydantic_data_converter
    codec = EncryptionCodec(parse_keys(settings.temporal.payload_keys.get_secret_value()))
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec)


def tls_config(settings: Settings) -> TLSConfig | bool:
    """mTLS when a client certificate is set; plain TLS for an API key (Temporal Cloud); else none."""
    if settings.temporal.tls_cert and settings.temporal.tls_key:
        return TLSConfig(
            client_cert=settings.temporal.tls_cert.read_bytes(),
            client_private_key=settings.temporal.tls_key.read_bytes(),
            server_root_ca_cert=settings.temporal.tls_ca.read_bytes() if settings.temporal.tls_ca else None,
        )
    return settings.temporal.api_key is not None
