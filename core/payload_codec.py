"""Payload encryption: what Temporal stores and shows (inputs, results, signals, updates, memos) is AES-GCM
ciphertext when keys are configured, so member messages and contact details are unreadable in its database and
UI. The key id travels in each payload's metadata, so several keys can decrypt while one encrypts (rotation).
Operators read payloads in the Temporal UI through the API's codec endpoint (api/routes/codec_api.py)."""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class UnknownKey(ValueError):
    pass


def parse_keys(spec: str) -> dict[str, bytes]:
    """ "id:base64key,id2:base64key2" -> {id: key}, in order (the first encrypts); 32-byte keys only."""
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key_id, _, encoded = item.partition(":")
        key = base64.b64decode(encoded, validate=True)
        if not key_id or len(key) != 32:
            raise ValueError(f"payload key {key_id or '?'!r}: want id:base64 of 32 bytes")
        keys[key_id] = key
    if not keys:
        raise ValueError("no payload keys")
    return keys


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: dict[str, bytes]) -> None:
        self.current = next(iter(keys))
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher, out = self._ciphers[self.current], []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            sealed = cipher.encrypt(nonce, payload.SerializeToString(), None)
            out.append(Payload(metadata={"encoding": ENCODING, KEY_ID: self.current.encode()}, data=nonce + sealed))
        return out

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                out.append(payload)  # written before encryption was turned on
                continue
            key_id = payload.metadata[KEY_ID].decode()
            cipher = self._ciphers.get(key_id)
            if cipher is None:
                raise UnknownKey(f"payload encrypted with key {key_id!r}, which is not configured")
            plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], None)
            out.append(Payload.FromString(plain))
        return out
