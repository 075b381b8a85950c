"""Payloads encrypted for Temporal: ciphertext in its history and UI, readable through the API's codec endpoint
by a logged-in operator only, and keys rotate (the old one still decrypts)."""

from __future__ import annotations

import base64
import os
import uuid

import pytest
from google.protobuf import json_format
from pydantic import SecretStr
from temporalio.api.common.v1 import Payloads
from temporalio.converter import DataConverter

from contracts import names
from contracts.inbox import TriageInput
from core.payload_codec import ENCODING, EncryptionCodec, UnknownKey, parse_keys
from core.temporal import connect, data_converter
from devstack.seed import MANAGER, OPERATOR
from tests.stack import LocalStack, make_settings

JSON = {"content-type": "application/json"}


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


async def test_encrypts_and_rotates() -> None:
    old, new = _key("k1"), _key("k2")
    message = TriageInput(message_id=7, approval_ttl_s=60)
    before = data_converter_for(old)
    sealed = await before.encode([message])
    assert sealed[0].metadata["encoding"] == ENCODING and b"message_id" not in sealed[0].data
    rotated = data_converter_for(f"{new},{old}")  # the new key encrypts; the old still decrypts
    assert await rotated.decode(sealed, [TriageInput]) == [message]
    assert (await rotated.encode([message]))[0].metadata["encryption-key-id"] == b"k2"
    with pytest.raises(UnknownKey):
        await EncryptionCodec(parse_keys(new)).decode(sealed)
    with pytest.raises(ValueError, match="32 bytes"):
        parse_keys("k3:c2hvcnQ=")


def data_converter_for(keys: str) -> DataConverter:
    return data_converter(make_settings(temporal={"payload_keys": keys}))


async def test_history_is_ciphertext_and_the_codec_endpoint_reads_it_for_operators(stack: LocalStack) -> None:
    keys = _key("k1")
    settings = stack.settings.updated(temporal={"payload_keys": SecretStr(keys)})
    encrypting = await connect(settings)
    secret = f"member-{uuid.uuid4().hex}"
    # No worker polls this queue: the workflow only has to exist for its history to be read.
    handle = await encrypting.start_workflow(
        names.MESSAGE_TRIAGE,
        {"message_id": 1, "approval_ttl_s": 60, "note": secret},
        id=f"codec-{uuid.uuid4().hex[:8]}",
        task_queue=f"nobody-{uuid.uuid4().hex[:6]}",
    )
    try:
        plain = stack.client.get_workflow_handle(handle.id)
        started = (await plain.fetch_history()).events[0]  # WorkflowExecutionStarted
        payloads = started.workflow_execution_started_event_attributes.input
        assert payloads.payloads[0].metadata["encoding"] == ENCODING
        assert secret.encode() not in payloads.SerializeToString()

        body = json_format.MessageToJson(Payloads(payloads=payloads.payloads))
        stack.settings.temporal.payload_keys = settings.temporal.payload_keys
        try:
            async with stack.browser_session(OPERATOR[0]) as http:
                http.headers.pop("X-CSRF-Token")  # the Temporal UI sends only the cookie
                decoded = await http.post(
                    "/api/codec/decode", content=body, headers={"content-type": "application/json"}
                )
                preflight = await http.options("/api/codec/decode")
            async with stack.browser_session(MANAGER[0]) as http:
                manager = await http.post(
                    "/api/codec/decode", content=body, headers={"content-type": "application/json"}
                )
        finally:
            stack.settings.temporal.payload_keys = None
        assert decoded.status_code == 200, decoded.text
        [one] = json_format.Parse(decoded.text, Payloads()).payloads
        assert secret.encode() in one.data
        assert decoded.headers["access-control-allow-origin"] and preflight.status_code == 204
        assert manager.status_code == 403
    finally:
        await plain.terminate("test")
